/**
 * Envoy's panic threshold: when fewer than `threshold` of the hosts are healthy, the
 * balancer should ignore health and spread over all of them, because piling every call on
 * the few survivors tends to knock them over too. Never panics with no hosts; a `threshold`
 * of 0 switches panic mode off.
 *
 * @example
 * ```ts
 * const pool = panicMode(healthy.length, all.length) ? all : healthy;
 * ```
 */
export function panicMode(healthyCount: number, totalCount: number, threshold = 0.5): boolean {
  return totalCount > 0 && healthyCount < threshold * totalCount;
}
