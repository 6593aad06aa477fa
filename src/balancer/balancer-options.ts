import { DEFAULT_EWMA_DECAY, type PeakEwmaOptions } from "../stats/peak-ewma";
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

const SLOW_START_KEYS = ["window", "aggression", "minWeightPercent"];
const EWMA_KEYS = ["decay", "initial"];

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
  const balancer = options.balancer ?? "p2c";
  if (!(BALANCER_NAMES as readonly unknown[]).includes(balancer)) {
    const names = BALANCER_NAMES.map((name) => `"${name}"`).join(", ");
    throw new TypeError(`balancer must be one of ${names}, got ${JSON.stringify(balancer)}`);
  }

  let slowStart: SlowStartOptions;
  const rawSlowStart = options.slowStart;
  if (rawSlowStart === undefined) slowStart = {};
  else if (rawSlowStart === false) slowStart = { window: 0 };
  else if (typeof rawSlowStart === "number") slowStart = { window: rawSlowStart };
  else slowStart = checkedObject(rawSlowStart, "slowStart", SLOW_START_KEYS, "false or a number");
  const window = slowStart.window ?? 30_000;
  const aggression = slowStart.aggression ?? 1;
  const minWeightPercent = slowStart.minWeightPercent ?? 10;
  if (!(Number.isFinite(window) && window >= 0)) {
    throw new RangeError(`slowStart.window must be a finite number of ms >= 0, got ${window}`);
  }
  if (!(Number.isFinite(aggression) && aggression > 0)) {
    throw new RangeError(`slowStart.aggression must be a finite number > 0, got ${aggression}`);
  }
  if (!(minWeightPercent > 0 && minWeightPercent <= 100)) {
    throw new RangeError(
      `slowStart.minWeightPercent must be a number in (0, 100], got ${minWeightPercent}`,
    );
  }

  const ewma = checkedObject(options.ewma ?? {}, "ewma", EWMA_KEYS, "");
  const decay = ewma.decay ?? DEFAULT_EWMA_DECAY;
  const initial = ewma.initial ?? 0;
  if (!(Number.isFinite(decay) && decay > 0)) {
    throw new RangeError(`ewma.decay must be a finite number of ms > 0, got ${decay}`);
  }
  if (!(Number.isFinite(initial) && initial >= 0)) {
    throw new RangeError(`ewma.initial must be a finite number of ms >= 0, got ${initial}`);
  }

  return {
    balancer,
    slowStart: { window, aggression, minWeightPercent },
    ewma: { decay, initial },
  };
}

/** Rejects non-objects and unknown (e.g. misspelt or renamed) keys, which would be ignored. */
function checkedObject<T extends object>(
  value: T,
  name: string,
  keys: readonly string[],
  alternatives: string,
): T {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const accepted = alternatives === "" ? "an object" : `an object, ${alternatives}`;
    throw new TypeError(`${name} must be ${accepted}, got ${JSON.stringify(value)}`);
  }
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) {
      throw new TypeError(`${name}.${key} is not an option; ${name} accepts ${keys.join(", ")}`);
    }
  }
  return value;
}
