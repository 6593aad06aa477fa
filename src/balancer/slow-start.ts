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
  return weight * slowStartFactor(healthySince, now, window, aggression, minWeightPercent);
}

/**
 * The share of its weight an upstream in slow start has: {@link slowStartWeight} for a
 * weight of 1, in (0, 1]. The client uses it as is for the balancers whose traffic shares
 * follow weights exactly (round robin, random), and as the chance that an upstream takes
 * part in a pick for those that turn weight into a cost (p2c, least-request), where a
 * lower weight would cut the share far more than in proportion.
 *
 * @example
 * ```ts
 * slowStartFactor(now - 15_000, now, 30_000, 1, 10); // 0.5
 * ```
 */
export function slowStartFactor(
  healthySince: number,
  now: number,
  window: number,
  aggression: number,
  minWeightPercent: number,
): number {
  const elapsed = now - healthySince;
  if (!(window > 0) || elapsed >= window) return 1;
  const floor = minWeightPercent / 100;
  if (!(elapsed > 0)) return floor;
  const ratio = elapsed / window;
  const ramp = aggression === 1 ? ratio : ratio ** (1 / aggression);
  return Math.max(ramp, floor);
}
