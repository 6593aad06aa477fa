import type { HubState } from "./hub-state";

/**
 * How long, at most, the service's object holds back a change to counts alone (a report,
 * or a relay's flush, that moves no verdict) before it publishes a new snapshot, with the
 * location layer on. Every location revalidates its copy about once a second, and the
 * snapshot grows with the number of locations, so publishing every change would cost the
 * object a body per location per second, each the size of all locations: growth with the
 * square of the locations. Holding count-only changes back 20 ms per location (at least
 * 1 s, at most 10 s) keeps it linear: up to 50 locations, counts show within a second;
 * with 300, within 6 s. Verdict, drain and config changes are published at once.
 *
 * @example
 * ```ts
 * publishIntervalMs(300); // 6_000
 * ```
 */
export function publishIntervalMs(locations: number): number {
  return Math.min(10_000, Math.max(1_000, locations * 20));
}

/**
 * The number of locations the snapshot of `state` lists (the most of any upstream).
 *
 * @example
 * ```ts
 * const interval = publishIntervalMs(locationsOf(state));
 * ```
 */
export function locationsOf(state: HubState): number {
  let most = 0;
  for (const u of state.upstreams.values()) {
    let n = 0;
    for (const _ in u.locations) n++;
    if (n > most) most = n;
  }
  return most;
}
