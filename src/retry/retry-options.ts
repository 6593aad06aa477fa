import { enumOption, numberOption, objectOption } from "../options/validate";
import type { Jitter, ResolvedBackoff } from "./backoff";

/**
 * Retry settings. Every field is optional; `retry: 3` is short for `{ attempts: 3 }` and
 * `retry: false` sends every call once.
 *
 * @example
 * ```ts
 * createClient({ upstreams, retry: { attempts: 4, backoff: { initial: 100, jitter: "equal" } } });
 * ```
 */
export interface RetryOptions {
  /** Total attempts per call, the first included. @default 3 */
  attempts?: number;
  backoff?: {
    /** Delay before the first retry (before jitter), ms. @default 50 */
    initial?: number;
    /** Cap on any delay, ms. @default 1_000 */
    max?: number;
    /** Growth per retry. @default 2 */
    multiplier?: number;
    /** @default "full" */
    jitter?: Jitter;
  };
  /** Response statuses that are retried. Network errors and attempt timeouts always are. @default [429, 502, 503, 504] */
  on?: readonly number[];
  /**
   * Retry budget (Finagle/Linkerd): retries may add at most `ratio` of the calls made in the
   * last `window` ms, plus `minPerSecond`. `false` turns it off.
   * @default { ratio: 0.2, minPerSecond: 10, window: 10_000 }
   */
  budget?: { ratio?: number; minPerSecond?: number; window?: number } | false;
  /** The longest `Retry-After` honoured, ms; a longer one returns the response. @default 30_000 */
  maxRetryAfter?: number;
  /** Bytes of a streamed request body buffered so it can be replayed. @default 1_048_576 */
  bodyLimit?: number;
}

/** {@link RetryOptions} with every default applied. */
export interface ResolvedRetryOptions {
  attempts: number;
  backoff: ResolvedBackoff;
  on: ReadonlySet<number>;
  budget: { ratio: number; minPerSecond: number; window: number } | false;
  maxRetryAfter: number;
  bodyLimit: number;
}

/**
 * Validates and fills in retry options; throws a `TypeError`/`RangeError` naming the option.
 *
 * @example
 * ```ts
 * resolveRetryOptions(3).attempts; // → 3
 * resolveRetryOptions(false).attempts; // → 1
 * ```
 */
export function resolveRetryOptions(
  options: RetryOptions | number | false | undefined,
): ResolvedRetryOptions {
  if (options === false) return resolveRetryOptions({ attempts: 1 });
  if (typeof options === "number") return resolveRetryOptions({ attempts: options });
  const retry = objectOption("retry", options, [
    "attempts",
    "backoff",
    "on",
    "budget",
    "maxRetryAfter",
    "bodyLimit",
  ]);
  const backoff = objectOption("retry.backoff", retry.backoff, [
    "initial",
    "max",
    "multiplier",
    "jitter",
  ]);
  const initial = numberOption("retry.backoff.initial", backoff.initial, 50, { min: 0 });
  const max = numberOption("retry.backoff.max", backoff.max, Math.max(1_000, initial), {
    min: initial,
  });
  return {
    attempts: numberOption("retry.attempts", retry.attempts, 3, {
      min: 1,
      max: 100,
      integer: true,
    }),
    backoff: {
      initial,
      max,
      multiplier: numberOption("retry.backoff.multiplier", backoff.multiplier, 2, {
        min: 1,
        max: 100,
      }),
      jitter: enumOption("retry.backoff.jitter", backoff.jitter, "full", [
        "full",
        "equal",
        "decorrelated",
        "none",
      ]),
    },
    on: resolveStatuses(retry.on),
    budget: resolveBudget(retry.budget),
    maxRetryAfter: numberOption("retry.maxRetryAfter", retry.maxRetryAfter, 30_000, {
      min: 0,
      infinite: true,
    }),
    bodyLimit: numberOption("retry.bodyLimit", retry.bodyLimit, 1 << 20, { min: 0, integer: true }),
  };
}

function resolveStatuses(value: unknown): ReadonlySet<number> {
  if (value === undefined) return new Set([429, 502, 503, 504]);
  if (!Array.isArray(value)) {
    throw new TypeError("retry.on must be an array of HTTP status codes");
  }
  for (const [index, status] of value.entries()) {
    numberOption(`retry.on[${index}]`, status, 0, { min: 100, max: 599, integer: true });
  }
  return new Set(value as number[]);
}

function resolveBudget(value: unknown): ResolvedRetryOptions["budget"] {
  if (value === false) return false;
  const budget = objectOption("retry.budget", value, ["ratio", "minPerSecond", "window"]);
  return {
    ratio: numberOption("retry.budget.ratio", budget.ratio, 0.2, { min: 0, max: 1_000 }),
    minPerSecond: numberOption("retry.budget.minPerSecond", budget.minPerSecond, 10, { min: 0 }),
    window: numberOption("retry.budget.window", budget.window, 10_000, {
      min: 1_000,
      max: 3_600_000,
    }),
  };
}
