import type { BalancerCandidate } from "./candidate";

/**
 * Smooth weighted round robin (nginx's algorithm): every candidate's `wrrCurrent` grows by its
 * weight, the largest (the first on a tie) is chosen and loses the sum of the weights. Over
 * any run of `Σweights` picks from a fresh state each candidate is chosen exactly `weight`
 * times, evenly interleaved (5:1:1 gives `a a b a c a a`). Deterministic; returns -1 for
 * `count` 0.
 *
 * The state lives on the candidates, so the eligible subset may change from one pick to the
 * next: a candidate left out (already tried, breaker open) neither gains nor loses score, the
 * scores of the candidates that took part keep their sum, and the rotation continues where
 * it was when the candidate comes back. Weights may change between picks (slow start).
 *
 * @example
 * ```ts
 * const index = pickSmoothWeightedRoundRobin(scratch, eligible);
 * ```
 */
export function pickSmoothWeightedRoundRobin(
  candidates: readonly BalancerCandidate[],
  count: number,
): number {
  let total = 0;
  let best = -1;
  let bestCurrent = 0;
  for (let i = 0; i < count; i++) {
    const candidate = candidates[i]!;
    // biome-ignore lint/complexity/useMathMinMax: Math.max would keep a NaN weight; it counts as 0.
    const weight = candidate.weight > 0 ? candidate.weight : 0;
    let current = candidate.wrrCurrent + weight;
    // A state object that never set wrrCurrent starts from 0 instead of staying NaN forever.
    if (Number.isNaN(current)) current = weight;
    candidate.wrrCurrent = current;
    total += weight;
    if (best < 0 || current > bestCurrent) {
      best = i;
      bestCurrent = current;
    }
  }
  if (best >= 0) candidates[best]!.wrrCurrent -= total;
  return best;
}
