import type { HubLoad } from "../../src/protocol";

/**
 * Fresh request counters for a service's object that starts at `now`. The object counts
 * into them in memory (no storage: counting must not cost what it measures) and reports
 * them on `GET /v1/services/:service/load`.
 *
 * @example
 * ```ts
 * const load = newHubLoad(Date.now());
 * load.requests.total++;
 * ```
 */
export function newHubLoad(now: number): HubLoad {
  return {
    since: now,
    at: now,
    requests: {
      total: 0,
      snapshots: 0,
      notModified: 0,
      leaseAsks: 0,
      leasesGranted: 0,
      reports: 0,
      flushes: 0,
      relayInfos: 0,
      other: 0,
    },
    relayedReports: 0,
  };
}

/**
 * A copy of `load` as read at `now`.
 *
 * @example
 * ```ts
 * return snapshotLoad(this.load, Date.now());
 * ```
 */
export function snapshotLoad(load: HubLoad, now: number): HubLoad {
  return { ...load, at: now, requests: { ...load.requests } };
}
