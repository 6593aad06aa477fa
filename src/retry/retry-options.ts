import {
  describe,
  enumOption,
  type Fields,
  numberOption,
  sectionOption,
  switchable,
} from "../options/validate";
import type { Jitter, ResolvedBackoff } from "./backoff";
import { BUDGET_WINDOW, type BudgetOptions } from "./retry-budget";

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

/** The statuses retried by default: too many requests, bad gateway, unavailable, gateway timeout. */
export const DEFAULT_RETRY_ON: readonly number[] = [429, 502, 503, 504];

/** {@link RetryOptions} with every default applied. */
export interface ResolvedRetryOptions {
  attempts: number;
  backoff: ResolvedBackoff;
  on: ReadonlySet<number>;
  budget: BudgetOptions | false;
  maxRetryAfter: number;
  bodyLimit: number;
}

const STATUS = { min: 100, max: 599, integer: true };

const FIELDS: Fields<ResolvedRetryOptions> = {
  attempts: { default: 3, min: 1, max: 100, integer: true },
  backoff: (value, path) =>
    sectionOption<ResolvedBackoff>(path, value, {
      initial: { default: 50, min: 0 },
      max: { default: 1_000, min: "initial" },
      multiplier: { default: 2, min: 1, max: 100 },
      jitter: (jitter, name) =>
        enumOption(name, jitter, "full", ["full", "equal", "decorrelated", "none"]),
    }),
  on: (value, path) => {
    if (value === undefined) return new Set(DEFAULT_RETRY_ON);
    if (!Array.isArray(value)) {
      throw new TypeError(`${path} must be an array of HTTP status codes, got ${describe(value)}`);
    }
    for (const [index, status] of value.entries())
      numberOption(`${path}[${index}]`, status, STATUS);
    return new Set(value as number[]);
  },
  budget: switchable({
    ratio: { default: 0.2, min: 0, max: 1_000 },
    minPerSecond: { default: 10, min: 0 },
    window: BUDGET_WINDOW,
  }),
  maxRetryAfter: { default: 30_000, min: 0, infinite: true },
  bodyLimit: { default: 1 << 20, min: 0, integer: true },
};

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
  const attempts = options === false ? 1 : options;
  return sectionOption(
    "retry",
    typeof attempts === "number" ? { attempts } : attempts,
    FIELDS,
    ", a number or false",
  );
}
