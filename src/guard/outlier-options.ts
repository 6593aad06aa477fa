import {
  COUNT,
  type Fields,
  POSITIVE,
  SHARE,
  sectionOption,
  switchable,
} from "../options/validate";

/**
 * Options of outlier ejection across upstreams (Envoy's model). A host is ejected right
 * away after `consecutiveFailures` failures in a row, or at an `interval` evaluation when
 * its success rate is an outlier among its peers (`successRate`) or its failure share is
 * above an absolute bar (`failurePercentage`).
 *
 * @example
 * ```ts
 * const options: OutlierOptions = { consecutiveFailures: 3, maxEjectionPercent: 34 };
 * ```
 */
export interface OutlierOptions {
  /** Eject after this many failures in a row. @default 5 */
  consecutiveFailures?: number | false;
  /**
   * Eject hosts whose success rate is below `mean − stdevFactor × stddev` of the hosts
   * with at least `minRequests` calls in the interval, when there are at least `minHosts`
   * of them. @default { stdevFactor: 1.9, minHosts: 3, minRequests: 20 }
   */
  successRate?: { stdevFactor?: number; minHosts?: number; minRequests?: number } | false;
  /**
   * Eject hosts whose failure share in the interval is at least `threshold` (with at
   * least `minRequests` calls, and `minHosts` such hosts). @default false
   */
  failurePercentage?: { threshold?: number; minHosts?: number; minRequests?: number } | false;
  /** How often (ms) the statistical checks run, lazily on `record`/`evaluate`. @default 10_000 */
  interval?: number;
  /** Ejection lasts `baseEjection × times ejected` ms. @default 30_000 */
  baseEjection?: number;
  /** Upper bound on one ejection (ms). @default 300_000 */
  maxEjection?: number;
  /** Most hosts ejected at once, as a percentage (at least one of ≥ 2 hosts). @default 50 */
  maxEjectionPercent?: number;
}

/**
 * {@link OutlierOptions} with every default filled in.
 *
 * @example
 * ```ts
 * const resolved = resolveOutlierOptions({});
 * if (resolved) resolved.baseEjection; // 30_000
 * ```
 */
export interface ResolvedOutlierOptions {
  consecutiveFailures: number | false;
  successRate: { stdevFactor: number; minHosts: number; minRequests: number } | false;
  failurePercentage: { threshold: number; minHosts: number; minRequests: number } | false;
  interval: number;
  baseEjection: number;
  maxEjection: number;
  maxEjectionPercent: number;
}

const POPULATION = {
  minHosts: { default: 3, ...COUNT },
  minRequests: { default: 20, ...COUNT },
};

const FIELDS: Fields<ResolvedOutlierOptions> = {
  consecutiveFailures: { default: 5, ...COUNT, orFalse: true },
  successRate: switchable({ stdevFactor: { default: 1.9, ...POSITIVE }, ...POPULATION }),
  failurePercentage: switchable({ threshold: { default: 0.85, ...SHARE }, ...POPULATION }, false),
  interval: { default: 10_000, ...POSITIVE },
  baseEjection: { default: 30_000, ...POSITIVE },
  maxEjection: { default: 300_000, min: "baseEjection" },
  maxEjectionPercent: { default: 50, min: 0, max: 100 },
};

/**
 * Validates {@link OutlierOptions} once and fills in defaults; `false` switches ejection
 * off. Throws a `TypeError`/`RangeError` naming the option, e.g.
 * `outlier.successRate.minHosts must be an integer >= 1, got 0`.
 *
 * @example
 * ```ts
 * const options = resolveOutlierOptions({ successRate: { minHosts: 5 } });
 * const detector = options && new OutlierDetector<string>(options);
 * ```
 */
export function resolveOutlierOptions(
  options: OutlierOptions | false | undefined,
): ResolvedOutlierOptions | false {
  return options !== false && sectionOption("outlier", options, FIELDS);
}
