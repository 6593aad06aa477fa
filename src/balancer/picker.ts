import { enumOption } from "../options/validate";
import type { Random } from "../random";
import type { BalancerCandidate } from "./candidate";
import { pickLeastRequest } from "./least-request";
import { pickP2C } from "./p2c";
import { pickSmoothWeightedRoundRobin } from "./smooth-weighted-round-robin";
import { pickWeightedRandom } from "./weighted-random";

/** The balancing algorithms, by their option name. */
export const BALANCER_NAMES = ["p2c", "round-robin", "random", "least-request"] as const;

/**
 * A balancing algorithm's option name: `"p2c"` (peak-EWMA power of two choices),
 * `"round-robin"` (smooth weighted), `"random"` (weighted) or `"least-request"` (power of two
 * choices on in-flight count).
 */
export type BalancerName = (typeof BALANCER_NAMES)[number];

/**
 * A balancing algorithm behind one interface. `pick` returns the index of the chosen
 * candidate among the first `count` entries of `candidates` (-1 only when `count` is 0); it
 * allocates nothing, and any state it keeps lives on the candidates.
 *
 * @example
 * ```ts
 * const picker = createPicker("p2c");
 * const index = picker.pick(scratch, eligible, random, clock.now());
 * ```
 */
export interface Picker {
  /**
   * Whether traffic shares follow weights in proportion (round robin, random). The others
   * (p2c, least-request) turn a weight into a cost, which moves shares far more than in
   * proportion, so slow start does not lower their weights (see `slowStartFactor`).
   */
  readonly proportional: boolean;
  pick(
    candidates: readonly BalancerCandidate[],
    count: number,
    random: Random,
    now: number,
  ): number;
}

// Shared by every client: pickers keep no state of their own.
const PICKERS: Readonly<Record<BalancerName, Picker>> = {
  p2c: { proportional: false, pick: pickP2C },
  "round-robin": { proportional: true, pick: pickSmoothWeightedRoundRobin },
  random: { proportional: true, pick: pickWeightedRandom },
  "least-request": { proportional: false, pick: pickLeastRequest },
};

/**
 * The {@link Picker} for a balancer name (the default `"p2c"` for `undefined`); an unknown
 * name is a `TypeError` listing the accepted ones, as for the `balancer` option.
 *
 * @example
 * ```ts
 * const picker = createPicker(options.balancer);
 * ```
 */
export function createPicker(name: BalancerName): Picker {
  return PICKERS[enumOption("balancer", name, "p2c", BALANCER_NAMES)];
}
