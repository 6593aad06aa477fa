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
  const total = weightTotal(candidates, count);
  if (!(total > 0 && total < Infinity)) return randomIndex(random, count);
  return weightedIndex(candidates, count, random() * total, -1);
}

/**
 * The sum of the positive weights of the first `count` candidates.
 *
 * @example
 * ```ts
 * const total = weightTotal(scratch, eligible);
 * ```
 */
export function weightTotal(candidates: readonly BalancerCandidate[], count: number): number {
  let total = 0;
  for (let i = 0; i < count; i++) {
    const weight = candidates[i]!.weight;
    if (weight > 0) total += weight;
  }
  return total;
}

/**
 * The index, among the first `count` candidates but `skip`, whose stretch of the cumulative
 * positive weights holds `target` (in `[0, total)`). A `target` that is NaN or past the end
 * lands on the last weighted candidate; with none, on any index but `skip`.
 *
 * @example
 * ```ts
 * const index = weightedIndex(scratch, eligible, random() * total, -1);
 * ```
 */
export function weightedIndex(
  candidates: readonly BalancerCandidate[],
  count: number,
  target: number,
  skip: number,
): number {
  let remaining = target;
  let last = skip ? 0 : 1; // any index but `skip` (-1 for none)
  for (let i = 0; i < count; i++) {
    const weight = candidates[i]!.weight;
    if (i === skip || !(weight > 0)) continue;
    remaining -= weight;
    if (remaining < 0) return i;
    last = i;
  }
  // Rounding can leave a sliver of `remaining`; it belongs to the last weighted candidate.
  return last;
}
