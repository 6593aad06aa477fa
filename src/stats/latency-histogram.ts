import { type Fields, sectionOption } from "../options/validate";

/**
 * Options for {@link LatencyHistogram}.
 *
 * @example
 * ```ts
 * const histogram = new LatencyHistogram({ window: 10_000, windows: 3 });
 * ```
 */
export interface LatencyHistogramOptions {
  /**
   * Length of one window in ms. Samples stay visible for between `window × (windows − 1)` and
   * `window × windows` ms after they were recorded.
   * @default 30_000
   */
  window?: number;
  /**
   * Number of rotating windows (the current one plus `windows − 1` previous ones), at least 2
   * so that a rotation never empties the histogram.
   * @default 2
   */
  windows?: number;
  /**
   * Relative error bound of a percentile, in (0, 0.1]. Memory grows with `1 / accuracy`:
   * 0.01 needs 898 buckets per window.
   * @default 0.01
   */
  relativeAccuracy?: number;
}

/** Smallest latency told apart from 0, in ms; smaller samples share the lowest bucket. */
export const HISTOGRAM_MIN_MS = 0.01;
/** Largest latency told apart, in ms (10 minutes); larger samples share the top bucket. */
export const HISTOGRAM_MAX_MS = 600_000;

const FIELDS: Fields<Required<LatencyHistogramOptions>> = {
  window: { default: 30_000, min: 0, minOpen: true },
  windows: { default: 2, min: 2, max: 64, integer: true },
  relativeAccuracy: { default: 0.01, min: 0, max: 0.1, minOpen: true },
};

/**
 * A streaming latency percentile estimator with fixed memory and recency, for
 * `client.stats()` and for hedging's adaptive delay.
 *
 * Buckets are logarithmic (DDSketch's mapping): a sample `v` goes to bucket
 * `ceil(log_γ(v))` with `γ = (1 + α) / (1 − α)`, and a bucket reports `2γ^i / (γ + 1)`, which
 * is within the relative accuracy `α` of every value in it. Percentiles are nearest-rank (the
 * smallest sample with at least `p × count` samples at or below it) and are additionally
 * clamped into the exact `[min, max]` of the live samples, so `percentile(0)` and
 * `percentile(1)` are exact.
 *
 * Recency comes from `windows` rotating windows of `window` ms each: `record` writes to the
 * current one, queries read all of them, and a rotation drops the oldest. Rotation happens
 * lazily on the `now` passed to any method, so there are no timers.
 *
 * `record` is O(1) and allocation-free (it writes one counter per sample, nothing else);
 * `percentile` reads the counters up to the rank it looks for, in each window (≈1.5 µs for
 * a p95 of latencies up to 200 ms). Queries are rare, so `record` stays the cheap one: the
 * client reads percentiles in `stats()` and, through a cache, for hedging's delay.
 *
 * @example
 * ```ts
 * const histogram = new LatencyHistogram();
 * histogram.record(12.5, clock.now());
 * const p95 = histogram.percentile(0.95, clock.now()); // NaN while empty
 * ```
 */
export class LatencyHistogram {
  /** Buckets per window; fixed at construction. */
  readonly bucketCount: number;
  /** Window length in ms. */
  readonly #window: number;
  /** Number of rotating windows. */
  readonly #windows: number;

  readonly #gamma: number;
  readonly #invLogGamma: number;
  readonly #indexOffset: number;
  /** Per-window bucket counts, window `w` at `[w × bucketCount, (w + 1) × bucketCount)`. */
  readonly #counts: Float64Array;
  /** Samples per window. */
  readonly #windowCounts: Float64Array;
  readonly #mins: Float64Array;
  readonly #maxes: Float64Array;
  #total = 0;
  #head = 0;
  #windowStart = NaN;

  constructor(options: LatencyHistogramOptions = {}) {
    const {
      window,
      windows,
      relativeAccuracy: alpha,
    } = sectionOption("histogram", options, FIELDS);
    this.#window = window;
    this.#windows = windows;
    this.#gamma = (1 + alpha) / (1 - alpha);
    this.#invLogGamma = 1 / Math.log(this.#gamma);
    // Bucket 0 holds everything <= HISTOGRAM_MIN_MS, the last one everything > HISTOGRAM_MAX_MS.
    this.#indexOffset = Math.ceil(Math.log(HISTOGRAM_MIN_MS) * this.#invLogGamma);
    const top = Math.ceil(Math.log(HISTOGRAM_MAX_MS) * this.#invLogGamma) - this.#indexOffset;
    this.bucketCount = top + 2;
    this.#counts = new Float64Array(this.bucketCount * windows);
    this.#windowCounts = new Float64Array(windows);
    this.#mins = new Float64Array(windows).fill(Infinity);
    this.#maxes = new Float64Array(windows).fill(-Infinity);
  }

  /**
   * Records one latency sample in ms. NaN is ignored; negative values count as 0.
   *
   * @example
   * ```ts
   * histogram.record(clock.now() - startedAt, clock.now());
   * ```
   */
  record(ms: number, now: number): void {
    if (Number.isNaN(ms)) return;
    // Negated so that the NaN start of an empty histogram also rotates (starts) it.
    if (!(now - this.#windowStart < this.#window)) this.#rotate(now);
    const value = Math.max(ms, 0);
    const index = this.#indexOf(value);
    const w = this.#head;
    this.#counts[w * this.bucketCount + index]!++;
    this.#windowCounts[w]!++;
    this.#total++;
    if (value < this.#mins[w]!) this.#mins[w] = value;
    if (value > this.#maxes[w]!) this.#maxes[w] = value;
  }

  /**
   * Number of samples still in the windows at `now`.
   *
   * @example
   * ```ts
   * if (histogram.count(now) >= 20) delay = histogram.percentile(0.95, now);
   * ```
   */
  count(now: number): number {
    this.#advance(now);
    return this.#total;
  }

  /**
   * The `p`-quantile (`p` in [0, 1]) of the samples still in the windows at `now`, within the
   * relative accuracy; NaN when there are none.
   *
   * @example
   * ```ts
   * const p99 = histogram.percentile(0.99, clock.now());
   * ```
   */
  percentile(p: number, now: number): number {
    if (!(p >= 0 && p <= 1)) {
      throw new RangeError(`percentile must be a number in [0, 1], got ${p}`);
    }
    this.#advance(now);
    const total = this.#total;
    if (total === 0) return NaN;
    let min = Infinity;
    let max = -Infinity;
    for (let w = 0; w < this.#windows; w++) {
      if (this.#mins[w]! < min) min = this.#mins[w]!;
      if (this.#maxes[w]! > max) max = this.#maxes[w]!;
    }
    // The epsilon keeps 0.07 × 100 = 7.000000000000001 at rank 7.
    const rank = Math.max(1, Math.ceil(p * total - 1e-9));
    if (rank === 1) return min;
    if (rank >= total) return max;
    let seen = 0;
    let index = 0;
    for (;;) {
      for (let w = 0; w < this.#windows; w++) seen += this.#counts[w * this.bucketCount + index]!;
      if (seen >= rank) break;
      index++;
    }
    const estimate = (2 * this.#gamma ** (index + this.#indexOffset)) / (this.#gamma + 1);
    return Math.min(max, Math.max(min, estimate));
  }

  #indexOf(value: number): number {
    if (value <= HISTOGRAM_MIN_MS) return 0;
    const index = Math.ceil(Math.log(value) * this.#invLogGamma) - this.#indexOffset;
    return index < this.bucketCount ? index : this.bucketCount - 1;
  }

  #advance(now: number): void {
    if (now - this.#windowStart >= this.#window) this.#rotate(now);
  }

  #rotate(now: number): void {
    if (Number.isNaN(now)) return;
    if (Number.isNaN(this.#windowStart)) {
      this.#windowStart = now;
      return;
    }
    const steps = Math.floor((now - this.#windowStart) / this.#window);
    // Keep windows aligned to the first sample's time, so their length does not drift.
    this.#windowStart += steps * this.#window;
    const drops = Math.min(steps, this.#windows);
    for (let step = 0; step < drops; step++) {
      this.#head = (this.#head + 1) % this.#windows;
      this.#dropWindow(this.#head);
    }
  }

  #dropWindow(w: number): void {
    if (this.#windowCounts[w] === 0) return;
    this.#counts.fill(0, w * this.bucketCount, (w + 1) * this.bucketCount);
    this.#total -= this.#windowCounts[w]!;
    this.#windowCounts[w] = 0;
    this.#mins[w] = Infinity;
    this.#maxes[w] = -Infinity;
  }
}
