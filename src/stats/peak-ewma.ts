import { type Fields, POSITIVE, sectionOption } from "../options/validate";

/**
 * Options for {@link PeakEwma}.
 *
 * @example
 * ```ts
 * const ewma = new PeakEwma({ decay: 5_000 });
 * ```
 */
export interface PeakEwmaOptions {
  /**
   * Decay window `tau` in ms: an observation `tau` old keeps `1/e` of its weight, and an idle
   * estimate falls to `1/e` of itself after `tau`.
   * @default 10_000
   */
  decay?: number;
  /**
   * What {@link PeakEwma.valueAt} reports before the first observation. The default 0 makes an
   * upstream without history look cheapest, so a P2C balancer probes it (one request at a
   * time, see `p2cCost`). A larger value keeps new upstreams back until the known ones are
   * at least that slow or loaded.
   * @default 0
   */
  initial?: number;
}

/** Default {@link PeakEwmaOptions.decay}, in ms (Finagle and Linkerd use 10 s). */
export const DEFAULT_EWMA_DECAY = 10_000;

/**
 * How {@link PeakEwmaOptions} resolve: the one table behind both `new PeakEwma(options)` and
 * the client's `ewma` option, so both reject a bad value with the same message.
 *
 * @example
 * ```ts
 * const { decay, initial } = sectionOption("ewma", { decay: 5_000 }, EWMA_FIELDS);
 * ```
 */
export const EWMA_FIELDS: Fields<Required<PeakEwmaOptions>> = {
  decay: { default: DEFAULT_EWMA_DECAY, ...POSITIVE },
  initial: { default: 0, min: 0 },
};

/**
 * The least weight a sample below the estimate gets, however soon after the previous one it
 * came: TCP's smoothed-RTT gain (RFC 6298), so a peak is forgotten after about 8 faster
 * answers. Weighting by time alone makes the estimate of a busy upstream the peak of its last
 * `decay` ms, i.e. of thousands of answers (≈ its p99.9), while a rarely used upstream is
 * judged on one or two answers (≈ its median): busy upstreams look several times worse than
 * they are next to idle ones (bench/balancer.ts, issue 4).
 */
export const MIN_SAMPLE_WEIGHT = 1 / 8;

/**
 * Peak-sensitive moving average of latency (Finagle's and Linkerd's "peak EWMA"). A sample
 * above the estimate replaces it at once, so a slowing upstream is shunned on its first slow
 * answer; a sample below it is blended in with weight
 * `1 - exp(-elapsed / decay) × (1 - MIN_SAMPLE_WEIGHT)`: by the time since the previous
 * sample (as in Finagle and Linkerd), but at least {@link MIN_SAMPLE_WEIGHT} per sample, so
 * recovery from a peak takes `decay` ms or about 8 answers, whichever comes first. The
 * estimate then means the same thing (a recent peak, discounted) at 1 and at 1,000 answers
 * per `decay`, and upstreams with very different traffic can be compared.
 *
 * Between observations, {@link valueAt} decays the estimate towards zero with the same time
 * constant. An upstream that a balancer stopped choosing because it looked slow thereby
 * becomes cheap again after a while and gets re-probed; without this it could never prove it
 * had recovered. The decay is a read-only view: reads never change the state, so the result
 * does not depend on how often a balancer looks.
 *
 * Time is passed in (`now`, ms), never read from a clock.
 *
 * @example
 * ```ts
 * const ewma = new PeakEwma();
 * ewma.observe(120, clock.now()); // ms the call took
 * const cost = ewma.valueAt(clock.now()) * (inFlight + 1);
 * ```
 */
export class PeakEwma {
  /** Decay window `tau` in ms. */
  readonly #decay: number;
  /** The value reported before the first observation. */
  readonly #initial: number;
  #estimate: number;
  #stamp = 0;
  #observed = false;

  constructor(options?: PeakEwmaOptions) {
    const { decay, initial } = sectionOption("ewma", options, EWMA_FIELDS);
    this.#decay = decay;
    this.#initial = initial;
    this.#estimate = initial;
  }

  /** Whether at least one value was observed since construction or the last {@link reset}. */
  get hasHistory(): boolean {
    return this.#observed;
  }

  /**
   * Folds one latency sample (ms) observed at `now` into the estimate. Negative values count
   * as 0; NaN is ignored. A `now` earlier than the previous observation (out-of-order
   * completions) counts as no time elapsed: the sample gets {@link MIN_SAMPLE_WEIGHT}.
   *
   * With `peak` false, a value above the estimate is blended in like one below it (it moves
   * the estimate by at least {@link MIN_SAMPLE_WEIGHT} of the difference but never replaces
   * it): for costs that are not a latency the upstream showed, such as a balancer's charge
   * for a failed call, which must steer traffic without being remembered as a peak.
   *
   * @example
   * ```ts
   * ewma.observe(clock.now() - startedAt, clock.now());
   * ewma.observe(2 * slowestPeer, clock.now(), false); // a failure costs about a retry elsewhere
   * ```
   */
  observe(value: number, now: number, peak = true): void {
    if (Number.isNaN(value)) return;
    const sample = Math.max(value, 0);
    if (!this.#observed) {
      this.#observed = true;
      this.#estimate = sample;
      this.#stamp = now;
      return;
    }
    if (peak && sample > this.#estimate) {
      this.#estimate = sample;
    } else {
      const elapsed = now - this.#stamp;
      const keep = (elapsed > 0 ? Math.exp(-elapsed / this.#decay) : 1) * (1 - MIN_SAMPLE_WEIGHT);
      this.#estimate = this.#estimate * keep + sample * (1 - keep);
    }
    if (now > this.#stamp) this.#stamp = now;
  }

  /**
   * The estimate as seen at `now`: the last estimate decayed towards zero over the time since
   * the last observation, or {@link initial} without history.
   *
   * @example
   * ```ts
   * const latency = ewma.hasHistory ? ewma.valueAt(clock.now()) : undefined;
   * ```
   */
  valueAt(now: number): number {
    if (!this.#observed) return this.#initial;
    const idle = now - this.#stamp;
    return idle > 0 ? this.#estimate * Math.exp(-idle / this.#decay) : this.#estimate;
  }

  /**
   * Forgets all history, e.g. when an upstream's address changed.
   *
   * @example
   * ```ts
   * ewma.reset();
   * ewma.hasHistory; // false
   * ```
   */
  reset(): void {
    this.#observed = false;
    this.#estimate = this.#initial;
    this.#stamp = 0;
  }
}
