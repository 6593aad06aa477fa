import { describe, numberOption, objectOption } from "../options/validate";

/**
 * An adaptive hedge delay: the `percentile` of the target upstream's recent latency (or of all
 * upstreams while it has fewer than `minSamples`), clamped to `[min, max]`.
 *
 * @example
 * ```ts
 * const delay: HedgeDelayOptions = { percentile: 0.98, min: 5, max: 1_000 };
 * ```
 */
export interface HedgeDelayOptions {
  /**
   * The latency percentile to wait for, in (0, 1): about `1 − percentile` of attempts get a
   * hedge (2% by default), well inside the default 5% budget.
   * @default 0.98
   */
  percentile?: number;
  /** Shortest delay, ms. @default 5 */
  min?: number;
  /** Longest delay, ms; also the delay while no latency is known yet. @default 1_000 */
  max?: number;
  /** Samples an upstream needs before its own percentile is used. @default 20 */
  minSamples?: number;
}

/**
 * Hedged requests: when an attempt has not answered after a delay, send the same request to
 * another upstream and take whichever answers first; the other is aborted. `hedge: 20` is
 * short for `{ delay: 20 }` (a fixed 20 ms delay); `false` turns hedging off.
 *
 * @example
 * ```ts
 * createClient({ upstreams, hedge: { delay: { percentile: 0.98 }, max: 1, budget: 0.05 } });
 * createClient({ upstreams, hedge: 25 }); // hedge after a fixed 25 ms
 * ```
 */
export interface HedgeOptions {
  /**
   * Wait before each hedge: a fixed number of ms, or an adaptive percentile of latency.
   * @default { percentile: 0.98, min: 5, max: 1_000, minSamples: 20 }
   */
  delay?: number | HedgeDelayOptions;
  /** Extra attempts per call at most. @default 1 */
  max?: number;
  /**
   * Hedges may add at most this share of extra requests over a sliding `window` (ms), plus
   * `minPerSecond`; a number is the share. Under overload it stops hedging instead of
   * doubling the load. `false` turns the budget off.
   * @default { ratio: 0.05, minPerSecond: 0, window: 10_000 }
   */
  budget?: number | false | { ratio?: number; minPerSecond?: number; window?: number };
}

/** {@link HedgeOptions} with every default applied. */
export interface ResolvedHedgeOptions {
  /** A fixed delay in ms, or `undefined` for the adaptive one. */
  fixedDelay: number | undefined;
  percentile: number;
  minDelay: number;
  maxDelay: number;
  minSamples: number;
  max: number;
  budget: { ratio: number; minPerSecond: number; window: number } | false;
}

const KEYS = ["delay", "max", "budget"];
const DELAY_KEYS = ["percentile", "min", "max", "minSamples"];
const BUDGET_KEYS = ["ratio", "minPerSecond", "window"];
const MAX_DELAY = 600_000;

/**
 * Validates hedge options once and fills in the defaults; `false` (and `undefined`, since
 * hedging is off unless configured) resolve to `false`. Throws a `TypeError`/`RangeError`
 * naming the option and the accepted range.
 *
 * @example
 * ```ts
 * resolveHedgeOptions(20); // → { fixedDelay: 20, max: 1, budget: { ratio: 0.05, … }, … }
 * resolveHedgeOptions({ delay: { percentile: 0.9 } })!.percentile; // → 0.9
 * resolveHedgeOptions(false); // → false
 * ```
 */
export function resolveHedgeOptions(
  options: HedgeOptions | number | false | undefined,
): ResolvedHedgeOptions | false {
  if (options === false || options === undefined) return false;
  if (typeof options === "number") return resolveHedgeOptions({ delay: options });
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(
      `hedge must be an object, a delay in ms or false, got ${describe(options)}`,
    );
  }
  const hedge = objectOption("hedge", options, KEYS);
  const delay = hedge.delay;
  let fixedDelay: number | undefined;
  let adaptive: Record<string, unknown> = {};
  if (typeof delay === "number") {
    fixedDelay = numberOption("hedge.delay", delay, 0, { min: 0, max: MAX_DELAY });
  } else {
    adaptive = objectOption("hedge.delay", delay, DELAY_KEYS);
  }
  const minDelay = numberOption("hedge.delay.min", adaptive.min, 5, { min: 0, max: MAX_DELAY });
  return {
    fixedDelay,
    percentile: numberOption("hedge.delay.percentile", adaptive.percentile, 0.98, {
      min: 0,
      minExclusive: true,
      max: 0.9999,
    }),
    minDelay,
    maxDelay: numberOption("hedge.delay.max", adaptive.max, Math.max(1_000, minDelay), {
      min: minDelay,
      max: MAX_DELAY,
    }),
    minSamples: numberOption("hedge.delay.minSamples", adaptive.minSamples, 20, {
      min: 1,
      max: 1_000_000,
      integer: true,
    }),
    max: numberOption("hedge.max", hedge.max, 1, { min: 1, max: 10, integer: true }),
    budget: resolveBudget(hedge.budget),
  };
}

function resolveBudget(value: unknown): ResolvedHedgeOptions["budget"] {
  if (value === false) return false;
  const budget =
    typeof value === "number" ? { ratio: value } : objectOption("hedge.budget", value, BUDGET_KEYS);
  const name = typeof value === "number" ? "hedge.budget" : "hedge.budget.ratio";
  return {
    ratio: numberOption(name, budget.ratio, 0.05, { min: 0, minExclusive: true, max: 10 }),
    minPerSecond: numberOption("hedge.budget.minPerSecond", budget.minPerSecond, 0, {
      min: 0,
      max: 1_000_000,
    }),
    window: numberOption("hedge.budget.window", budget.window, 10_000, {
      min: 1_000,
      max: 3_600_000,
    }),
  };
}
