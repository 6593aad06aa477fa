import { enumOption, type Fields, POSITIVE, sectionOption } from "../options/validate";
import { EWMA_FIELDS, type PeakEwmaOptions } from "../stats/peak-ewma";
import { BALANCER_NAMES, type BalancerName } from "./picker";

/**
 * Slow start: an upstream that just became healthy (or was added) ramps its weight up over
 * `window` ms instead of taking a full share at once (see `slowStartWeight`).
 *
 * @example
 * ```ts
 * createClient({ upstreams, slowStart: { window: 60_000, aggression: 2 } });
 * ```
 */
export interface SlowStartOptions {
  /**
   * Length of the ramp in ms; 0 turns slow start off.
   * @default 30_000
   */
  window?: number;
  /**
   * Shape of the ramp, > 0: 1 is linear, larger ramps up faster at first.
   * @default 1
   */
  aggression?: number;
  /**
   * Weight at the start of the ramp, as a percentage of the full weight, in (0, 100].
   * @default 10
   */
  minWeightPercent?: number;
}

/**
 * The balancing options of `createClient`.
 *
 * @example
 * ```ts
 * createClient({ upstreams, balancer: "round-robin", slowStart: false });
 * ```
 */
export interface BalancerOptions {
  /**
   * Algorithm: `"p2c"` (power of two choices on peak-EWMA latency × in-flight / weight),
   * `"round-robin"` (smooth weighted), `"random"` (weighted) or `"least-request"`.
   * @default "p2c"
   */
  balancer?: BalancerName;
  /**
   * Slow start for upstreams that become healthy; `false` or a window of 0 turns it off, and
   * a number is the window in ms.
   * @default { window: 30_000, aggression: 1, minWeightPercent: 10 }
   */
  slowStart?: SlowStartOptions | number | false;
  /**
   * Latency estimate used by `"p2c"`: `decay` is the EWMA time constant in ms, `initial` the
   * estimate assumed for an upstream without history.
   * @default { decay: 10_000, initial: 0 }
   */
  ewma?: PeakEwmaOptions;
}

/** {@link BalancerOptions} with every default filled in. */
export interface ResolvedBalancerOptions {
  balancer: BalancerName;
  slowStart: Required<SlowStartOptions>;
  ewma: Required<PeakEwmaOptions>;
}

/**
 * The balancing fields of the client's options, resolved where they stand (at the top level
 * of `createClient`'s options).
 *
 * @example
 * ```ts
 * const fields: Fields<ClientFields> = { ...BALANCER_FIELDS, panicThreshold: SHARE };
 * ```
 */
export const BALANCER_FIELDS: Fields<ResolvedBalancerOptions> = {
  balancer: (value, path) => enumOption(path, value, "p2c", BALANCER_NAMES),
  slowStart: (value, path) =>
    sectionOption<Required<SlowStartOptions>>(
      path,
      value === false ? { window: 0 } : typeof value === "number" ? { window: value } : value,
      {
        window: { default: 30_000, min: 0 },
        aggression: { default: 1, ...POSITIVE },
        minWeightPercent: { default: 10, min: 0, max: 100, minOpen: true },
      },
      ", false or a number",
    ),
  ewma: (value, path) => sectionOption(path, value, EWMA_FIELDS),
};

/**
 * Validates {@link BalancerOptions} and fills in defaults. Throws a `TypeError` or
 * `RangeError` that names the offending option and the accepted values.
 *
 * @example
 * ```ts
 * const { balancer, slowStart, ewma } = resolveBalancerOptions({ balancer: "random" });
 * ```
 */
export function resolveBalancerOptions(options: BalancerOptions = {}): ResolvedBalancerOptions {
  return sectionOption("options", options, BALANCER_FIELDS, "", "");
}
