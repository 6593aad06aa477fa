import { LatencyHistogram } from "../stats/latency-histogram";
import type { ResolvedHedgeOptions } from "./hedge-options";

// A percentile query reads hundreds of counters (≈1.5 µs); the delay moves slowly, so one
// query per histogram serves all calls for this long, unless its sample count has doubled.
const REFRESH_MS = 100;

class Cached {
  at = -Infinity;
  count = 0;
  /** The histogram's percentile, or NaN while it had too few samples. */
  value = NaN;
}

/**
 * How long to wait before hedging an attempt: a fixed delay, or a latency percentile of the
 * attempt's upstream, falling back to the percentile over all upstreams while that one has
 * too few samples, and to the longest delay while nothing is known. Always within
 * `[minDelay, maxDelay]`.
 *
 * The histograms are streaming estimators with fixed memory (see `LatencyHistogram`): each
 * upstream's own (fed by the guard) and one fleet-wide histogram kept here, which the hedge
 * layer feeds with every winning attempt.
 *
 * A primary that loses to its hedge is recorded with the time it had run when abandoned: a
 * lower bound of its latency, but already above the delay. Leaving it out would hide exactly
 * the slow tail the delay is meant to sit in, and the delay would creep down call by call.
 *
 * @example
 * ```ts
 * const delays = new HedgeDelay(resolveHedgeOptions({})!);
 * const ms = delays.delayFor(upstream.latency, clock.now());
 * delays.observe(12.5, clock.now()); // a winning attempt's latency
 * ```
 */
export class HedgeDelay {
  /** Latency over all upstreams (winning attempts, and abandoned primaries as lower bounds). */
  readonly #all = new LatencyHistogram();
  readonly #fixed: number | undefined;
  readonly #adaptive: ResolvedHedgeOptions["delay"];
  readonly #cache = new WeakMap<LatencyHistogram, Cached>();

  constructor(options: ResolvedHedgeOptions) {
    this.#fixed = options.fixedDelay;
    this.#adaptive = options.delay;
  }

  /** The shortest delay this estimator can return, ms. */
  get shortest(): number {
    return this.#fixed ?? this.#adaptive.min;
  }

  /** The delay in ms for an attempt to the upstream whose latency `histogram` holds. */
  delayFor(histogram: LatencyHistogram | undefined, now: number): number {
    if (this.#fixed !== undefined) return this.#fixed;
    let value = histogram === undefined ? NaN : this.#read(histogram, now);
    if (Number.isNaN(value)) value = this.#read(this.#all, now);
    if (Number.isNaN(value)) return this.#adaptive.max;
    return Math.min(Math.max(value, this.#adaptive.min), this.#adaptive.max);
  }

  /** Records a latency (ms) in the fleet-wide histogram. */
  observe(ms: number, now: number): void {
    this.#all.record(ms, now);
  }

  #read(histogram: LatencyHistogram, now: number): number {
    let cached = this.#cache.get(histogram);
    if (cached === undefined) {
      cached = new Cached();
      this.#cache.set(histogram, cached);
    }
    const count = histogram.count(now);
    const fresh =
      now - cached.at < REFRESH_MS &&
      (count < 2 * cached.count || count === 0) &&
      (count < this.#adaptive.minSamples || cached.count >= this.#adaptive.minSamples);
    if (fresh) return cached.value;
    cached.at = now;
    cached.count = count;
    cached.value =
      count >= this.#adaptive.minSamples
        ? histogram.percentile(this.#adaptive.percentile, now)
        : NaN;
    return cached.value;
  }
}
