/**
 * Weight of an upstream in slow start (Envoy's formula):
 * `weight × max(minWeightPercent / 100, (elapsed / window) ^ (1 / aggression))`, where
 * `elapsed = now − healthySince`. From `window` on, and always when `window` is 0, it is
 * `weight`. Aggression 1 ramps linearly; above 1 it ramps faster early, below 1 slower. The
 * floor keeps a recovering upstream from being starved so long that it never warms up.
 *
 * Pass `healthySince = -Infinity` for upstreams that should start at full weight, e.g. those
 * present when the client was created.
 *
 * @example
 * ```ts
 * state.weight = slowStartWeight(upstream.weight, state.healthySince, now, 30_000, 1, 10);
 * ```
 */
export function slowStartWeight(
  weight: number,
  healthySince: number,
  now: number,
  window: number,
  aggression: number,
  minWeightPercent: number,
): number {
  const elapsed = now - healthySince;
  if (!(window > 0) || elapsed >= window) return weight;
  const floor = minWeightPercent / 100;
  if (!(elapsed > 0)) return weight * floor;
  const ratio = elapsed / window;
  const ramp = aggression === 1 ? ratio : ratio ** (1 / aggression);
  return weight * Math.max(ramp, floor);
}
