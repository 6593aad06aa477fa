/**
 * A time-decayed exponentially weighted moving average: a sample's weight depends on how
 * long ago the previous one arrived, so bursts of reports do not wash out history and a
 * quiet period lets a new sample count fully.
 *
 * @example
 * ```ts
 * let latency: Ewma | null = null;
 * latency = updateEwma(latency, 42, now);
 * ```
 */
export interface Ewma {
  value: number;
  at: number;
}

/** Time constant of the hub's latency averages. */
export const EWMA_TAU_MS = 10_000;

/**
 * The average after one more sample observed at `now`. Returns a new object.
 *
 * @example
 * ```ts
 * const next = updateEwma({ value: 10, at: 0 }, 20, 10_000); // ≈ 16.3
 * ```
 */
export function updateEwma(
  prev: Ewma | null,
  sample: number,
  now: number,
  tauMs = EWMA_TAU_MS,
): Ewma {
  if (prev === null) return { value: sample, at: now };
  const elapsed = Math.max(0, now - prev.at);
  const alpha = 1 - Math.exp(-elapsed / tauMs);
  // With no time between samples alpha is 0: give each sample a small floor weight so a
  // same-millisecond burst still moves the average.
  const weight = Math.max(alpha, 0.05);
  return { value: prev.value + weight * (sample - prev.value), at: Math.max(prev.at, now) };
}
