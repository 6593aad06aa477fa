import { type Classifier, classify } from "./classify";
import { checkNumber, checkObject, checkSection } from "./validate";

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

const KEYS = [
  "consecutiveFailures",
  "failureRate",
  "slowCall",
  "openFor",
  "halfOpenProbes",
  "probeTimeout",
  "classify",
] as const;
const WINDOW_KEYS = ["threshold", "window", "minCalls"] as const;
const SLOW_KEYS = ["threshold", "rate", "window", "minCalls"] as const;
const OPEN_FOR_KEYS = ["initial", "max", "multiplier", "jitter", "decayAfter"] as const;
const SHARE = { min: 0, max: 1, minOpen: true } as const;
const POSITIVE = { min: 0, minOpen: true } as const;
const COUNT = { min: 1, integer: true } as const;

function countWindow(path: string, raw: Record<string, unknown>) {
  const window = checkNumber(`${path}.window`, raw.window ?? 20, COUNT);
  const minCalls = checkNumber(`${path}.minCalls`, raw.minCalls ?? Math.min(10, window), {
    min: 1,
    max: window,
    integer: true,
  });
  return { window, minCalls };
}

function resolveOpenFor(raw: Record<string, unknown>): ResolvedOpenFor {
  const initial = checkNumber("breaker.openFor.initial", raw.initial ?? 5_000, POSITIVE);
  const max = checkNumber("breaker.openFor.max", raw.max ?? Math.max(60_000, initial), {
    min: initial,
  });
  return {
    initial,
    max,
    multiplier: checkNumber("breaker.openFor.multiplier", raw.multiplier ?? 2, { min: 1 }),
    jitter: checkNumber("breaker.openFor.jitter", raw.jitter ?? 0.2, {
      min: 0,
      max: 1,
      maxOpen: true,
    }),
    decayAfter: checkNumber("breaker.openFor.decayAfter", raw.decayAfter ?? max, POSITIVE),
  };
}

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
  if (options === false) return false;
  const raw = checkObject("breaker", options, KEYS);

  const consecutiveFailures =
    raw.consecutiveFailures === false
      ? false
      : checkNumber("breaker.consecutiveFailures", raw.consecutiveFailures ?? 5, COUNT);

  const rate = checkSection("breaker.failureRate", raw.failureRate, WINDOW_KEYS);
  const failureRate = rate && {
    threshold: checkNumber("breaker.failureRate.threshold", rate.threshold ?? 0.5, SHARE),
    ...countWindow("breaker.failureRate", rate),
  };

  const slow = checkSection("breaker.slowCall", raw.slowCall ?? false, SLOW_KEYS);
  const slowCall = slow && {
    threshold: checkNumber("breaker.slowCall.threshold", slow.threshold, POSITIVE),
    rate: checkNumber("breaker.slowCall.rate", slow.rate ?? 0.5, SHARE),
    ...countWindow("breaker.slowCall", slow),
  };

  const classifier = raw.classify ?? classify;
  if (typeof classifier !== "function") {
    throw new TypeError(`breaker.classify must be a function, got ${typeof classifier}`);
  }

  return {
    consecutiveFailures,
    failureRate,
    slowCall,
    openFor: resolveOpenFor(checkObject("breaker.openFor", raw.openFor, OPEN_FOR_KEYS)),
    halfOpenProbes: checkNumber("breaker.halfOpenProbes", raw.halfOpenProbes ?? 1, COUNT),
    probeTimeout: checkNumber("breaker.probeTimeout", raw.probeTimeout ?? 30_000, POSITIVE),
    classify: classifier as Classifier,
  };
}
