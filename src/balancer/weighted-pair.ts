import type { Random } from "../random";
import type { BalancerCandidate } from "./candidate";
import { randomIndex } from "./random-index";
import { pickWeightedRandom } from "./weighted-random";

/** Where {@link sampleWeightedPair} writes when the caller does not need the pair. */
const SCRATCH = { first: -1, second: -1 };

/**
 * The sampling step of both power-of-two-choices pickers: two distinct indices in
 * `[0, count)` for `count >= 2`, into `pair` (a shared scratch object when none is given).
 * Each is drawn in proportion to weight (uniformly when no weight is usable); a second draw
 * that repeats the first is replaced by a uniform pick among the others. Sampled uniformly,
 * an upstream is in at most 2/n of the pairs, so one whose weight is worth more than that
 * share could never get it (with weights 8, 1, 1, 1, 1 the 8 got 39% instead of 67%); the
 * comparison within the pair then balances load per unit of weight.
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
  const first = pickWeightedRandom(candidates, count, random);
  let second = pickWeightedRandom(candidates, count, random);
  // A repeat becomes one of the others, uniformly.
  if (second === first) second = (first + 1 + randomIndex(random, count - 1)) % count;
  pair.first = first;
  pair.second = second;
  return pair;
}
