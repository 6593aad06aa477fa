import type { Random } from "../random";
import type { BalancerCandidate } from "./candidate";
import { randomIndex } from "./random-index";
import { weightedIndex, weightTotal } from "./weighted-random";

/** Where {@link sampleWeightedPair} writes when the caller does not need the pair. */
const SCRATCH = { first: -1, second: -1 };

/**
 * The sampling step of both power-of-two-choices pickers: two distinct indices in
 * `[0, count)` for `count >= 2`, each drawn in proportion to its candidate's weight (the
 * second from the rest), into `pair` (a shared scratch object when none is given). Sampled
 * uniformly, an upstream is in at most 2/n of the pairs, so one whose weight is worth more
 * than that share could never get it (with weights 8, 1, 1, 1, 1 the 8 got 39% instead of
 * 67%); the comparison within the pair then balances load per unit of weight. With no
 * usable weight (none positive and finite in total) the pair is uniform.
 *
 * @example
 * ```ts
 * const { first, second } = sampleWeightedPair(candidates, count, random, sample);
 * ```
 */
export function sampleWeightedPair(
  candidates: readonly BalancerCandidate[],
  count: number,
  random: Random,
  pair: { first: number; second: number } = SCRATCH,
): { first: number; second: number } {
  const total = weightTotal(candidates, count);
  let first: number;
  let second: number;
  if (total > 0 && total < Infinity) {
    first = weightedIndex(candidates, count, random() * total, -1);
    second = weightedIndex(
      candidates,
      count,
      random() * (total - candidates[first]!.weight),
      first,
    );
  } else {
    first = randomIndex(random, count);
    second = randomIndex(random, count - 1);
    if (second >= first) second++;
  }
  pair.first = first;
  pair.second = second;
  return pair;
}
