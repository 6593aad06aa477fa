/**
 * Per-upstream latency statistics: a peak-EWMA estimate for balancing and a windowed
 * histogram for percentiles.
 */
export {
  HISTOGRAM_MAX_MS,
  HISTOGRAM_MIN_MS,
  LatencyHistogram,
  type LatencyHistogramOptions,
} from "./latency-histogram";
export { DEFAULT_EWMA_DECAY, PeakEwma, type PeakEwmaOptions } from "./peak-ewma";
