import type { Random } from "../random";
import type { BalancerCandidate } from "./candidate";
import { sampleWeightedPair } from "./weighted-pair";

/**
 * Where a two-choice picker writes the indices it sampled, when asked (tests, debugging).
 *
 * @example
 * ```ts
 * const sample: PickSample = { first: -1, second: -1 };
 * pickP2C(candidates, count, random, now, sample);
 * ```
 */
export interface PickSample {
  first: number;
  second: number;
}

/**
 * Cost of an upstream that has no latency sample yet but already has an attempt in flight.
 * It exceeds any cost a measured upstream can reach, so a new upstream gets one probe at a
 * time until its first answer arrives (Finagle's rule) instead of being flooded because it
 * looks free; `+ inFlight` still spreads a cold start across new upstreams.
 */
export const UNKNOWN_LATENCY_PENALTY = 2 ** 50;

/**
 * How much the attempts already in flight at an upstream weigh in its cost: the exponent of
 * `inFlight + 1` (Envoy's `active_request_bias`). Finagle and Linkerd use 1, which prices
 * each call ahead of a new one at a full latency, as if the upstream served them one after
 * another. HTTP upstreams serve them side by side, and with 1 a burst of a few calls on a
 * fast upstream outweighs a 10× slower idle one: with one slow upstream out of four that
 * still sent it ~0.3% of calls with the per-sample EWMA (`MIN_SAMPLE_WEIGHT`), and p99.9 to
 * 2.4–2.8× the healthy level over seven seeds (bench/balancer.ts, issue 4). At 0.75 the slow
 * one gets ~0.15% (p99.9 1.3–1.95×) and load still counts: with latency growing with load,
 * p99 moved by under 3%; 0.5 cost up to 14%.
 */
export const ACTIVE_REQUEST_BIAS = 0.75;

/**
 * Load of one candidate as P2C sees it (Finagle/Linkerd, with Envoy's active-request bias):
 * `peak-EWMA latency × ((inFlight + 1) / weight) ^ ACTIVE_REQUEST_BIAS`. The bias applies to
 * in-flight per unit of weight so that, at equal latency, in-flight counts still settle in
 * proportion to weight (Envoy's `weight / (active + 1) ^ bias` would skew that). An upstream without
 * history costs its EWMA's `initial` value (0 by default, so it gets probed) while idle, and
 * {@link UNKNOWN_LATENCY_PENALTY} once a probe is out.
 *
 * @example
 * ```ts
 * const load = p2cCost(candidate, clock.now());
 * ```
 */
export function p2cCost(candidate: BalancerCandidate, now: number): number {
  const ewma = candidate.ewma;
  if (ewma.hasHistory || candidate.inFlight <= 0) {
    return ewma.valueAt(now) * ((candidate.inFlight + 1) / candidate.weight) ** ACTIVE_REQUEST_BIAS;
  }
  return (UNKNOWN_LATENCY_PENALTY + candidate.inFlight) / candidate.weight;
}

/**
 * Power of two choices over peak-EWMA cost: samples two distinct candidates among the first
 * `count` (in proportion to weight; uniformly when the weights are equal, see
 * `sampleWeightedPair`) and returns the index of the cheaper by {@link p2cCost} (the first on
 * a tie, which keeps ties unbiased). Returns 0 for `count` 1 and -1 for `count` 0.
 *
 * Weights enter the cost too: with two candidates both are always sampled, and only the cost
 * tells them apart. Under load this sends traffic in proportion to weight (costs equalise
 * when in-flight counts are proportional to weight; weighted sampling lets an upstream reach
 * a share above 2/n); at low concurrency it favours the upstream with the lowest
 * `latency / weight ^ ACTIVE_REQUEST_BIAS`. For exact traffic shares use round robin or random.
 *
 * @example
 * ```ts
 * const index = pickP2C(scratch, eligible, random, clock.now());
 * ```
 */
export function pickP2C(
  candidates: readonly BalancerCandidate[],
  count: number,
  random: Random,
  now: number,
  sample?: PickSample,
): number {
  if (count <= 1) return count === 1 ? 0 : -1;
  const { first, second } = sampleWeightedPair(candidates, count, random, sample);
  return p2cCost(candidates[second]!, now) < p2cCost(candidates[first]!, now) ? second : first;
}
