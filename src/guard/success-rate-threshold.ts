/**
 * Envoy's success-rate outlier bar: `mean − stdevFactor × stddev` of the hosts' success
 * rates (population standard deviation). Hosts below it are outliers; when all rates are
 * equal nobody is. Note that with `n` hosts one bad host sits at most `(n − 1) / √n`
 * deviations below the mean, so with the default factor 1.9 a single outlier can only be
 * found among 6 or more hosts; use `failurePercentage` or consecutive failures for fewer.
 *
 * @example
 * ```ts
 * successRateThreshold([1, 1, 1, 1, 1, 0.2], 1.9); // ≈ 0.30: the 0.2 host is an outlier
 * ```
 */
export function successRateThreshold(rates: readonly number[], stdevFactor: number): number {
  if (rates.length === 0) return -Infinity;
  let sum = 0;
  for (const rate of rates) sum += rate;
  const mean = sum / rates.length;
  let squares = 0;
  for (const rate of rates) squares += (rate - mean) ** 2;
  const stddev = Math.sqrt(squares / rates.length);
  // Rounding makes equal rates differ in the last bit; that must not make outliers.
  return stddev < 1e-9 ? -Infinity : mean - stdevFactor * stddev;
}
