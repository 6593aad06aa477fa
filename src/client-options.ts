import { type BalancerOptions, resolveBalancerOptions } from "./balancer/balancer-options";
import type { BalancerName } from "./balancer/picker";
import { type Clock, systemClock } from "./clock";
import type { FleetOptions } from "./core/fleet";
import type { UpstreamInput } from "./core/upstream";
import { type BreakerOptions, resolveBreakerOptions } from "./guard/breaker-options";
import { type OutlierOptions, resolveOutlierOptions } from "./guard/outlier-options";
import {
  type HedgeOptions,
  type ResolvedHedgeOptions,
  resolveHedgeOptions,
} from "./hedge/hedge-options";
import { describe, functionOption, numberOption, objectOption } from "./options/validate";
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
  fetch: FetchLike | undefined;
  clock: Clock;
  random: Random;
}

const KEYS = [
  "upstreams",
  "timeout",
  "retry",
  "hedge",
  "balancer",
  "slowStart",
  "ewma",
  "breaker",
  "outlier",
  "panicThreshold",
  "fetch",
  "clock",
  "random",
] as const;

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
  const top = objectOption("options", options, KEYS);
  if (options === undefined) throw new TypeError("createClient needs options with upstreams");
  return {
    upstreams: top.upstreams as readonly UpstreamInput[],
    timeout: resolveTimeout(top.timeout),
    retry: resolveRetryOptions(top.retry as RetryOptions | number | false | undefined),
    hedge: resolveHedgeOptions(top.hedge as HedgeOptions | number | false | undefined),
    fleet: {
      balancer: resolveBalancerOptions({
        balancer: top.balancer as BalancerName | undefined,
        slowStart: top.slowStart as BalancerOptions["slowStart"],
        ewma: top.ewma as BalancerOptions["ewma"],
      }),
      breaker: resolveBreakerOptions(top.breaker as BreakerOptions | false | undefined),
      outlier: resolveOutlierOptions(top.outlier as OutlierOptions | false | undefined),
      panicThreshold: numberOption("panicThreshold", top.panicThreshold, 0.5, { min: 0, max: 1 }),
    },
    fetch: functionOption<FetchLike>("fetch", top.fetch),
    clock: resolveClock(top.clock),
    random: functionOption<Random>("random", top.random) ?? systemRandom,
  };
}

const LIMIT = { min: 0, minExclusive: true, infinite: true } as const;

function resolveTimeout(value: unknown): { attempt: number; total: number } {
  const none = Number.POSITIVE_INFINITY;
  if (value === false) return { attempt: none, total: none };
  if (typeof value === "number") {
    return { attempt: 10_000, total: numberOption("timeout", value, none, LIMIT) };
  }
  const timeout = objectOption("timeout", value, ["attempt", "total"]);
  const limit = (name: string, v: unknown, fallback: number) =>
    v === false ? none : numberOption(`timeout.${name}`, v, fallback, LIMIT);
  return {
    attempt: limit("attempt", timeout.attempt, 10_000),
    total: limit("total", timeout.total, 30_000),
  };
}

function resolveClock(value: unknown): Clock {
  if (value === undefined) return systemClock;
  const clock = value as Partial<Clock>;
  if (
    typeof value !== "object" ||
    value === null ||
    typeof clock.now !== "function" ||
    typeof clock.setTimeout !== "function" ||
    typeof clock.clearTimeout !== "function"
  ) {
    throw new TypeError(
      `clock must have now(), setTimeout() and clearTimeout(), got ${describe(value)}`,
    );
  }
  return value as Clock;
}
