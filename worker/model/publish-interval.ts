import type { HubState } from "./hub-state";

/**
 * How long, at most, the service's object holds back a change to counts alone (a report,
 * or a relay's flush, that moves no verdict) before it publishes a new snapshot, with the
 * location layer on. Every location revalidates its copy once per `cacheMs`, and the
 * snapshot grows with the number of locations, so publishing every change would cost the
 * object a body per location per interval, each the size of all locations: growth with the
 * square of the locations. One interval per 50 locations (at least 1, at most 10) keeps it
 * linear: at the default 1 s, counts show within a second up to 50 locations, within 6 s
 * at 300. Verdict, drain and config changes are published at once.
 *
 * @example
 * ```ts
 * publishIntervalMs(300, 1_000); // 6_000
 * ```
 */
export function publishIntervalMs(locations: number, cacheMs: number): number {
  return cacheMs * Math.min(10, Math.max(1, locations / 50));
}

/**
 * The number of locations the snapshot of `state` lists (the most of any upstream).
 *
 * @example
 * ```ts
 * const interval = publishIntervalMs(locationsOf(state), 1_000);
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
