import type { HubProbeLease } from "../../src/protocol";
import type { HubState } from "./hub-state";
import { grantLease, type Lease } from "./lease";
import { probeUrlOf } from "./url";

/**
 * Offers `colo` the heartbeat job when it is due there: the lease to store and the wire
 * form to hand out (what to probe, how long the caller has). `null` when no lease is due.
 * `newId` is only called when a lease is granted.
 *
 * @example
 * ```ts
 * const granted = offerLease(state, "AMS", Date.now(), () => crypto.randomUUID());
 * if (granted) state.leases.set("AMS", granted.lease);
 * ```
 */
export function offerLease(
  state: HubState,
  colo: string,
  now: number,
  newId: () => string,
): { lease: Lease; offer: HubProbeLease } | null {
  const current = state.leases.get(colo);
  if (current && current.expiresAt > now) return null;
  const last = lastEdgeHeartbeatAt(state, colo);
  const lease = grantLease(current, colo, last, now, state.config.heartbeat, newId());
  if (!lease) return null;
  const offer: HubProbeLease = {
    id: lease.id,
    colo,
    expiresAt: lease.expiresAt,
    timeout: state.config.heartbeat.timeout,
    targets: state.config.upstreams.map((u) => ({
      url: u.url,
      probeUrl: probeUrlOf(u.url, u.healthPath),
      expectedStatus: u.expectedStatus,
    })),
  };
  return { lease, offer };
}

/**
 * The earliest time a lease may be due for `colo` again, as seen at `now` (`now` itself
 * when one is due now). A lower bound for callers that ask again only then: while a
 * granted lease is out, one interval after its grant (its results usually arrive well
 * before), then its expiry; otherwise one interval after the location's last heartbeat.
 *
 * @example
 * ```ts
 * const dueAt = leaseDueAt(state, "AMS", Date.now());
 * ```
 */
export function leaseDueAt(state: HubState, colo: string, now: number): number {
  const { interval } = state.config.heartbeat;
  const last = lastEdgeHeartbeatAt(state, colo);
  let due = last === null ? now : last + interval;
  const lease = state.leases.get(colo);
  if (lease && lease.expiresAt > now) {
    const expected = lease.grantedAt + interval;
    due = Math.max(due, now < expected ? expected : lease.expiresAt);
  }
  return Math.max(due, now);
}

/** The location's heartbeats are as fresh as its most recent one, whichever upstream. */
function lastEdgeHeartbeatAt(state: HubState, colo: string): number | null {
  let last: number | null = null;
  for (const u of state.upstreams.values()) {
    const at = u.locations[colo]?.edge.lastAt ?? null;
    if (at !== null && (last === null || at > last)) last = at;
  }
  return last;
}
