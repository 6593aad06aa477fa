import { type Fields, numberOption, sectionOption } from "../options/validate";
import { BUDGET_WINDOW, type BudgetOptions } from "../retry/retry-budget";

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
  /** The adaptive delay (its defaults when the delay is fixed). */
  delay: Required<HedgeDelayOptions>;
  max: number;
  budget: BudgetOptions | false;
}

const MAX_DELAY = 600_000;

const DELAY: Fields<Required<HedgeDelayOptions>> = {
  percentile: { default: 0.98, min: 0, max: 0.9999, minOpen: true },
  min: { default: 5, min: 0, max: MAX_DELAY },
  max: { default: 1_000, min: "min", max: MAX_DELAY },
  minSamples: { default: 20, min: 1, max: 1_000_000, integer: true },
};

type HedgeFields = Pick<ResolvedHedgeOptions, "max" | "budget"> & {
  delay: number | ResolvedHedgeOptions["delay"];
};

const FIELDS: Fields<HedgeFields> = {
  delay: (value, path) =>
    typeof value === "number"
      ? numberOption(path, value, { min: 0, max: MAX_DELAY })
      : sectionOption(path, value, DELAY),
  max: { default: 1, min: 1, max: 10, integer: true },
  budget: (value, path) =>
    value !== false &&
    sectionOption<BudgetOptions>(
      path,
      typeof value === "number" ? { ratio: value } : value,
      {
        ratio: { default: 0.05, min: 0, max: 10, minOpen: true },
        minPerSecond: { default: 0, min: 0, max: 1_000_000 },
        window: BUDGET_WINDOW,
      },
      ", a number or false",
    ),
};

/**
 * Validates hedge options once and fills in the defaults; `false` (and `undefined`, since
 * hedging is off unless configured) resolve to `false`. Throws a `TypeError`/`RangeError`
 * naming the option and the accepted range.
 *
 * @example
 * ```ts
 * resolveHedgeOptions(20); // → { fixedDelay: 20, max: 1, budget: { ratio: 0.05, … }, … }
 * resolveHedgeOptions({ delay: { percentile: 0.9 } })!.delay.percentile; // → 0.9
 * resolveHedgeOptions(false); // → false
 * ```
 */
export function resolveHedgeOptions(
  options: HedgeOptions | number | false | undefined,
): ResolvedHedgeOptions | false {
  if (options === false || options === undefined) return false;
  const { delay, max, budget } = sectionOption<HedgeFields>(
    "hedge",
    typeof options === "number" ? { delay: options } : options,
    FIELDS,
    ", a delay in ms or false",
  );
  const fixed = typeof delay === "number";
  return {
    fixedDelay: fixed ? delay : undefined,
    delay: fixed ? sectionOption("hedge.delay", {}, DELAY) : delay,
    max,
    budget,
  };
}
