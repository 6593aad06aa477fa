import {
  COUNT,
  type Fields,
  functionOption,
  POSITIVE,
  SHARE,
  sectionOption,
  switchable,
} from "../options/validate";
import { type Classifier, classify } from "./classify";

/**
 * Options of a per-upstream circuit breaker. Every field is optional; the strategies
 * (`consecutiveFailures`, `failureRate`, `slowCall`) combine: the breaker opens when any
 * of them says so. Pass `false` for a strategy to switch it off.
 *
 * @example
 * ```ts
 * const options: BreakerOptions = {
 *   consecutiveFailures: 3,
 *   slowCall: { threshold: 2_000, rate: 0.8 },
 *   openFor: { initial: 1_000, max: 30_000 },
 * };
 * ```
 */
export interface BreakerOptions {
  /** Open after this many failures in a row. @default 5 */
  consecutiveFailures?: number | false;
  /** Open when the failure share of the last `window` calls reaches `threshold`. @default { threshold: 0.5, window: 20, minCalls: 10 } */
  failureRate?: { threshold?: number; window?: number; minCalls?: number } | false;
  /** Open when the share of calls slower than `threshold` ms reaches `rate`. @default false */
  slowCall?: { threshold: number; rate?: number; window?: number; minCalls?: number } | false;
  /** How long the breaker stays open; grows by `multiplier` per trip. */
  openFor?: OpenForOptions;
  /** Probe calls let through at once when half-open; this many successes close it. @default 1 */
  halfOpenProbes?: number;
  /** A probe that neither records nor releases within this many ms frees its slot. @default 30_000 */
  probeTimeout?: number;
  /** Decides what counts as a failure. @default classify */
  classify?: Classifier;
}

/**
 * Open duration: `initial × multiplier^(trips − 1)`, capped at `max`, with ± `jitter`
 * (a share of the duration, never above `max`). Trips decay by one per `decayAfter` ms
 * spent closed.
 *
 * @example
 * ```ts
 * const openFor: OpenForOptions = { initial: 2_000, max: 20_000, jitter: 0 };
 * ```
 */
export interface OpenForOptions {
  /** @default 5_000 */
  initial?: number;
  /** @default 60_000, or `initial` when that is larger */
  max?: number;
  /** @default 2 */
  multiplier?: number;
  /** @default 0.2 */
  jitter?: number;
  /** @default the resolved `max` */
  decayAfter?: number;
}

/**
 * {@link BreakerOptions} with every default filled in.
 *
 * @example
 * ```ts
 * const resolved = resolveBreakerOptions({});
 * if (resolved) resolved.openFor.initial; // 5_000
 * ```
 */
export interface ResolvedBreakerOptions {
  consecutiveFailures: number | false;
  failureRate: { threshold: number; window: number; minCalls: number } | false;
  slowCall: { threshold: number; rate: number; window: number; minCalls: number } | false;
  openFor: ResolvedOpenFor;
  halfOpenProbes: number;
  probeTimeout: number;
  classify: Classifier;
}

/**
 * The resolved open-duration settings.
 *
 * @example
 * ```ts
 * const openFor: ResolvedOpenFor = { initial: 5_000, max: 60_000, multiplier: 2, jitter: 0.2, decayAfter: 60_000 };
 * ```
 */
export interface ResolvedOpenFor {
  initial: number;
  max: number;
  multiplier: number;
  jitter: number;
  decayAfter: number;
}

const WINDOW = {
  window: { default: 20, ...COUNT },
  minCalls: { default: 10, ...COUNT, max: "window" },
} as const;

const FIELDS: Fields<ResolvedBreakerOptions> = {
  consecutiveFailures: { default: 5, ...COUNT, orFalse: true },
  failureRate: switchable({ threshold: { default: 0.5, ...SHARE }, ...WINDOW }),
  slowCall: switchable({ threshold: POSITIVE, rate: { default: 0.5, ...SHARE }, ...WINDOW }, false),
  openFor: (value, path) =>
    sectionOption<ResolvedOpenFor>(path, value, {
      initial: { default: 5_000, ...POSITIVE },
      max: { default: 60_000, min: "initial" },
      multiplier: { default: 2, min: 1 },
      jitter: { default: 0.2, min: 0, max: 1, maxOpen: true },
      decayAfter: { default: "max", ...POSITIVE },
    }),
  halfOpenProbes: { default: 1, ...COUNT },
  probeTimeout: { default: 30_000, ...POSITIVE },
  classify: (value, path) => functionOption<Classifier>(path, value) ?? classify,
};

/**
 * Validates {@link BreakerOptions} once and fills in defaults; `false` switches the breaker
 * off. Throws a `TypeError` (wrong type, unknown key) or `RangeError` (out of range) that
 * names the option, e.g. `breaker.failureRate.window must be an integer >= 1, got 0`.
 *
 * @example
 * ```ts
 * const options = resolveBreakerOptions({ consecutiveFailures: 3 });
 * const breaker = options && new CircuitBreaker(options, systemRandom);
 * ```
 */
export function resolveBreakerOptions(
  options: BreakerOptions | false | undefined,
): ResolvedBreakerOptions | false {
  return options !== false && sectionOption("breaker", options, FIELDS);
}
