import type { Random } from "../random";
import type { BalancerCandidate } from "./candidate";
import type { PickSample } from "./p2c";
import { sampleWeightedPair } from "./weighted-pair";

/**
 * Power of two choices over in-flight count: samples two distinct candidates among the first
 * `count` (in proportion to weight; uniformly when the weights are equal) and returns the index of the one with the lower `(inFlight + 1) / weight`
 * (the first on a tie). Returns 0 for `count` 1 and -1 for `count` 0. Unlike `pickP2C` it
 * ignores latency, which suits upstreams whose latency says little about their load.
 *
 * @example
 * ```ts
 * const index = pickLeastRequest(scratch, eligible, random, clock.now());
 * ```
 */
export function pickLeastRequest(
  candidates: readonly BalancerCandidate[],
  count: number,
  random: Random,
  _now?: number,
  sample?: PickSample,
): number {
  if (count <= 1) return count === 1 ? 0 : -1;
  const { first, second } = sampleWeightedPair(candidates, count, random, sample);
  const a = candidates[first]!;
  const b = candidates[second]!;
  return (b.inFlight + 1) / b.weight < (a.inFlight + 1) / a.weight ? second : first;
}
