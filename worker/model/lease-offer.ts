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
  // The location's heartbeats are as fresh as its most recent one, whichever upstream.
  let last: number | null = null;
  for (const u of state.upstreams.values()) {
    const at = u.locations[colo]?.edge.lastAt ?? null;
    if (at !== null && (last === null || at > last)) last = at;
  }
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
