import type { PeakEwma } from "../stats/peak-ewma";

/**
 * What a picker reads (and, for round robin, writes) about one upstream. The client's
 * per-upstream state object implements it, so a pick allocates nothing: the caller fills a
 * reusable array with the eligible candidates and passes how many it filled.
 *
 * @example
 * ```ts
 * const state: BalancerCandidate = { weight: 2, inFlight: 0, ewma: new PeakEwma(), wrrCurrent: 0 };
 * scratch[0] = state;
 * const index = pickP2C(scratch, 1, random, now); // 0
 * ```
 */
export interface BalancerCandidate {
  /**
   * Effective weight, a positive finite number: the configured weight with slow start
   * applied (see `slowStartWeight`). Pickers treat a non-positive weight as 0.
   */
  weight: number;
  /** Attempts sent to this upstream that have not finished yet. */
  inFlight: number;
  /** Latency estimate, fed by the caller with each finished attempt. */
  ewma: PeakEwma;
  /**
   * Smooth weighted round robin's running score (nginx's `current_weight`); start at 0 and
   * leave it to `pickSmoothWeightedRoundRobin`.
   */
  wrrCurrent: number;
}
