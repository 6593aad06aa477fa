import { type Clock, systemClock } from "./clock";
import type { UpstreamInput } from "./core/upstream";
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
  fetch: FetchLike | undefined;
  clock: Clock;
  random: Random;
}

const KEYS = ["upstreams", "timeout", "retry", "fetch", "clock", "random"] as const;

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
