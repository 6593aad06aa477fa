/**
 * Exact percentiles of a set of latencies; see {@link summarize}.
 *
 * @example
 * ```ts
 * const { p50, p99, failed }: LatencySummary = summarize(result.latencies);
 * ```
 */
export interface LatencySummary {
  /** How many values were summarised (NaN values, i.e. failed calls, are left out). */
  count: number;
  /** How many NaN values were left out. */
  failed: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/**
 * Summarises latencies (ms) with exact nearest-rank percentiles: `pX` is the smallest value
 * that at least X% of the values are at or below. NaN entries (failed calls in
 * {@link runSimulation}'s `latencies`) are counted in `failed` and otherwise ignored; with no
 * values left, every statistic is NaN.
 *
 * @example
 * ```ts
 * const { latencies } = await runSimulation({ clock, calls: 10_000, ratePerSecond: 500, call });
 * const { p50, p99, failed } = summarize(latencies);
 * ```
 */
export function summarize(latencies: ArrayLike<number>): LatencySummary {
  const sorted = new Float64Array(latencies.length);
  let count = 0;
  let sum = 0;
  for (let i = 0; i < latencies.length; i++) {
    const value = latencies[i]!;
    if (Number.isNaN(value)) continue;
    sorted[count++] = value;
    sum += value;
  }
  const values = sorted.subarray(0, count).sort();
  const rank = (p: number): number =>
    count === 0 ? Number.NaN : values[Math.min(count, Math.max(1, Math.ceil(p * count))) - 1]!;
  return {
    count,
    failed: latencies.length - count,
    min: rank(0),
    p50: rank(0.5),
    p90: rank(0.9),
    p99: rank(0.99),
    p999: rank(0.999),
    max: rank(1),
    mean: count === 0 ? Number.NaN : sum / count,
  };
}
