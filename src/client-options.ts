import {
  BALANCER_FIELDS,
  type BalancerOptions,
  type ResolvedBalancerOptions,
} from "./balancer/balancer-options";
import type { BalancerName } from "./balancer/picker";
import { type Clock, systemClock } from "./clock";
import type { FleetOptions } from "./core/fleet";
import type { UpstreamInput } from "./core/upstream";
import { type BreakerOptions, resolveBreakerOptions } from "./guard/breaker-options";
import { type OutlierOptions, resolveOutlierOptions } from "./guard/outlier-options";
import type { HealthSource } from "./health-source";
import {
  type HedgeOptions,
  type ResolvedHedgeOptions,
  resolveHedgeOptions,
} from "./hedge/hedge-options";
import {
  describe,
  type Fields,
  functionOption,
  LIMIT,
  numberOption,
  sectionOption,
} from "./options/validate";
import { type Random, systemRandom } from "./random";
import {
  type ResolvedRetryOptions,
  type RetryOptions,
  resolveRetryOptions,
} from "./retry/retry-options";
import type { FetchLike } from "./types";

/**
 * Options of {@link createClient}. Only `upstreams` is required.
 *
 * @example
 * ```ts
 * const options: ClientOptions = {
 *   upstreams: ["https://a.internal", { url: "https://b.internal", weight: 2 }],
 *   timeout: { attempt: 1_000, total: 5_000 },
 *   retry: { attempts: 3, on: [502, 503, 504] },
 * };
 * ```
 */
export interface ClientOptions {
  /** Base URLs of equivalent upstreams, each optionally weighted. */
  upstreams: readonly UpstreamInput[];
  /**
   * Time limits in ms: `attempt` for each attempt (to response headers), `total` for the whole
   * call including backoff. A number is the total; `false` turns a limit off.
   * @default { attempt: 10_000, total: 30_000 }
   */
  timeout?: number | false | { attempt?: number | false; total?: number | false };
  /** Retries; a number is the total attempts, `false` sends every call once. @default { attempts: 3 } */
  retry?: RetryOptions | number | false;
  /**
   * Hedged requests: after a delay without an answer, send the request to a second upstream
   * and take the first answer. A number is a fixed delay in ms. Off unless configured, since
   * it sends extra requests; `{}` turns it on with the defaults.
   * @default false (when configured: { delay: { percentile: 0.98, min: 5, max: 1_000 }, max: 1, budget: 0.05 })
   */
  hedge?: HedgeOptions | number | false;
  /**
   * How an upstream is picked per attempt: `"p2c"` (power of two choices on peak-EWMA latency
   * × in-flight / weight), `"round-robin"` (smooth weighted), `"random"` (weighted) or
   * `"least-request"`. @default "p2c"
   */
  balancer?: BalancerName;
  /** Slow start for upstreams that (re)join: a window in ms, or `false`. @default { window: 30_000, aggression: 1, minWeightPercent: 10 } */
  slowStart?: BalancerOptions["slowStart"];
  /** The peak-EWMA latency estimate behind `"p2c"`. @default { decay: 10_000, initial: 0 } */
  ewma?: BalancerOptions["ewma"];
  /** Per-upstream circuit breaker; `false` turns it off. @default { consecutiveFailures: 5, failureRate: { threshold: 0.5, window: 20, minCalls: 10 }, openFor: { initial: 5_000, max: 60_000 } } */
  breaker?: BreakerOptions | false;
  /** Outlier ejection across upstreams (Envoy's model); `false` turns it off. @default { consecutiveFailures: 5, successRate: { stdevFactor: 1.9, minHosts: 3, minRequests: 20 }, baseEjection: 30_000, maxEjectionPercent: 50 } */
  outlier?: OutlierOptions | false;
  /** When fewer than this share of upstreams are healthy, ejection is ignored and all are used. @default 0.5 */
  panicThreshold?: number;
  /**
   * Shared health from outside this client: a {@link HealthSource} such as `hubSync()` from
   * `resilient-fetch/hub` (reports outcomes to the health hub and applies its verdicts).
   * @default undefined (local state only)
   */
  health?: HealthSource;
  /** The transport. @default globalThis.fetch, looked up per attempt */
  fetch?: FetchLike;
  /** Time source for deadlines, backoff and statistics. @default systemClock */
  clock?: Clock;
  /** Random source for jitter and balancing. @default Math.random */
  random?: Random;
}

/** {@link ClientOptions} with every default applied. */
export interface ResolvedClientOptions {
  upstreams: readonly UpstreamInput[];
  timeout: { attempt: number; total: number };
  retry: ResolvedRetryOptions;
  hedge: ResolvedHedgeOptions | false;
  fleet: FleetOptions;
  health: HealthSource | undefined;
  fetch: FetchLike | undefined;
  clock: Clock;
  random: Random;
}

type ClientFields = Omit<ResolvedClientOptions, "fleet"> &
  ResolvedBalancerOptions &
  Omit<FleetOptions, "balancer">;

const limit = (fallback: number) => (value: unknown, path: string) =>
  value === false ? Infinity : numberOption(path, value, { default: fallback, ...LIMIT });

const FIELDS: Fields<ClientFields> = {
  upstreams: (value) => value as readonly UpstreamInput[],
  timeout: (value, path) =>
    sectionOption(
      path,
      value === false
        ? { attempt: false, total: false }
        : typeof value === "number"
          ? { total: value }
          : value,
      { attempt: limit(10_000), total: limit(30_000) },
      ", a number or false",
    ),
  retry: (value) => resolveRetryOptions(value as RetryOptions),
  hedge: (value) => resolveHedgeOptions(value as HedgeOptions),
  ...BALANCER_FIELDS,
  breaker: (value) => resolveBreakerOptions(value as BreakerOptions),
  outlier: (value) => resolveOutlierOptions(value as OutlierOptions),
  panicThreshold: { default: 0.5, min: 0, max: 1 },
  // A health source is an object with attach(): "health.attach must be a function, got …".
  health: (value, path) => {
    if (value !== undefined) {
      functionOption(`${path}.attach`, (value as Partial<HealthSource> | null)?.attach ?? value);
    }
    return value as HealthSource | undefined;
  },
  fetch: (value, path) => functionOption<FetchLike>(path, value),
  clock: (value, path) => {
    const clock = value as Partial<Clock> | undefined;
    if (clock === undefined) return systemClock;
    if (
      typeof clock?.now !== "function" ||
      typeof clock.setTimeout !== "function" ||
      typeof clock.clearTimeout !== "function"
    ) {
      throw new TypeError(
        `${path} must have now(), setTimeout() and clearTimeout(), got ${describe(value)}`,
      );
    }
    return clock as Clock;
  },
  random: (value, path) => functionOption<Random>(path, value) ?? systemRandom,
};

/**
 * Validates every option once, at construction, and fills in the defaults. Throws a
 * `TypeError`/`RangeError` that names the option and what it accepts.
 *
 * @example
 * ```ts
 * resolveClientOptions({ upstreams: ["https://a.internal"], timeout: 2_000 }).timeout;
 * // → { attempt: 10_000, total: 2_000 }
 * ```
 */
export function resolveClientOptions(options: ClientOptions): ResolvedClientOptions {
  const { balancer, slowStart, ewma, breaker, outlier, panicThreshold, ...rest } =
    sectionOption<ClientFields>("options", options, FIELDS, "", "");
  return {
    ...rest,
    fleet: { balancer: { balancer, slowStart, ewma }, breaker, outlier, panicThreshold },
  };
}
