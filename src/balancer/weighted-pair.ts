import type { Random } from "../random";
import type { BalancerCandidate } from "./candidate";
import { sampleTwo } from "./random-index";

/** Where {@link sampleWeightedPair} writes when the caller does not need the pair. */
const SCRATCH = { first: -1, second: -1 };

const usable = (weight: number) => (weight > 0 && weight < Number.POSITIVE_INFINITY ? weight : 0);

/**
 * The sampling step of both power-of-two-choices pickers: two distinct indices in
 * `[0, count)` for `count >= 2`, each drawn in proportion to its candidate's weight (the
 * second from the rest), into `pair`. Sampled uniformly, an upstream is in at most 2/n of
 * the pairs, so one whose weight is worth more than that share could never get it (with
 * weights 8, 1, 1, 1, 1 the 8 got 39% instead of 67%); the comparison within the pair then
 * balances load per unit of weight, as before. Equal weights (the common case, found in the
 * same pass that sums them) keep uniform sampling.
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
  const w0 = candidates[0]!.weight;
  let total = 0;
  let equal = true;
  for (let i = 0; i < count; i++) {
    const w = candidates[i]!.weight;
    if (w !== w0) equal = false;
    total += usable(w);
  }
  if (equal || !(total > 0 && total < Number.POSITIVE_INFINITY))
    return sampleTwo(random, count, pair);
  const first = weightedIndex(candidates, count, random() * total, -1);
  const rest = total - usable(candidates[first]!.weight);
  const second = weightedIndex(candidates, count, random() * rest, first);
  pair.first = first;
  pair.second = second;
  return pair;
}

/**
 * The index whose weight interval holds `target` among `[0, count)` without `skip`. A
 * `target` that is NaN or past the end (a careless `random`) lands on the last usable
 * index; with none left, on any index but `skip`.
 */
function weightedIndex(
  candidates: readonly BalancerCandidate[],
  count: number,
  target: number,
  skip: number,
): number {
  let last = -1;
  let left = target;
  for (let i = 0; i < count; i++) {
    if (i === skip) continue;
    const w = usable(candidates[i]!.weight);
    if (w === 0) continue;
    if (left < w) return i;
    left -= w;
    last = i;
  }
  if (last >= 0) return last;
  return skip === 0 ? 1 : 0;
}
