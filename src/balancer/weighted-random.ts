import type { Random } from "../random";
import type { BalancerCandidate } from "./candidate";
import { randomIndex } from "./random-index";

/**
 * Weighted random: returns the index of one of the first `count` candidates with probability
 * proportional to its weight (non-positive weights count as 0; if no weight is positive and
 * finite, uniformly). One `random()` call, two passes, no allocation. Returns -1 for `count` 0.
 *
 * @example
 * ```ts
 * const index = pickWeightedRandom(scratch, eligible, random);
 * ```
 */
export function pickWeightedRandom(
  candidates: readonly BalancerCandidate[],
  count: number,
  random: Random,
): number {
  if (count <= 1) return count === 1 ? 0 : -1;
  let total = 0;
  for (let i = 0; i < count; i++) {
    const weight = candidates[i]!.weight;
    if (weight > 0) total += weight;
  }
  if (!(total > 0 && total < Infinity)) return randomIndex(random, count);
  let remaining = random() * total;
  let last = 0;
  for (let i = 0; i < count; i++) {
    const weight = candidates[i]!.weight;
    if (!(weight > 0)) continue;
    remaining -= weight;
    if (remaining < 0) return i;
    last = i;
  }
  // Rounding can leave a sliver of `remaining`; it belongs to the last weighted candidate.
  return last;
}
