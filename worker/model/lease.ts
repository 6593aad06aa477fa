/**
 * Probe leases: the hub hands the heartbeat job for a location to at most one client at a
 * time, and only when that location's edge heartbeats are due, so N clients in one colo
 * cost one probe per interval instead of N.
 */

/**
 * A granted job: probe from `colo` and post the results before `expiresAt`.
 *
 * @example
 * ```ts
 * const lease: Lease = { id: "b1c…", colo: "AMS", grantedAt: now, expiresAt: now + 12_000 };
 * ```
 */
export interface Lease {
  id: string;
  colo: string;
  grantedAt: number;
  expiresAt: number;
}

/**
 * Why results posted under a lease were refused, or `null` when they are accepted.
 *
 * @example
 * ```ts
 * const refusal = checkLease(leases.get(colo), leaseId, colo, now);
 * ```
 */
export type LeaseRefusal =
  | "no lease is held for this location"
  | "lease id does not match"
  | "lease expired";

/**
 * Grants a lease for `colo` when its heartbeats are due (none yet, or the last is at least
 * one interval old) and no unexpired lease is out; returns `null` otherwise. The caller
 * stores the lease. `id` is passed in so the function stays deterministic.
 *
 * @example
 * ```ts
 * const lease = grantLease(leases.get("AMS"), "AMS", lastEdgeHeartbeatAt, now, { interval, timeout }, crypto.randomUUID());
 * ```
 */
export function grantLease(
  current: Lease | undefined,
  colo: string,
  lastHeartbeatAt: number | null,
  now: number,
  heartbeat: { interval: number; timeout: number },
  id: string,
): Lease | null {
  if (current && current.expiresAt > now) return null;
  if (lastHeartbeatAt !== null && now - lastHeartbeatAt < heartbeat.interval) return null;
  // One interval to get round to it plus one timeout for the probes themselves.
  return { id, colo, grantedAt: now, expiresAt: now + heartbeat.interval + heartbeat.timeout };
}

/**
 * Checks results posted under lease `id` from `colo` at `now`.
 *
 * @example
 * ```ts
 * if (checkLease(leases.get(colo), body.heartbeats.leaseId, colo, now) === null) accept();
 * ```
 */
export function checkLease(
  current: Lease | undefined,
  id: string,
  colo: string,
  now: number,
): LeaseRefusal | null {
  if (!current || current.colo !== colo) return "no lease is held for this location";
  if (current.id !== id) return "lease id does not match";
  if (now > current.expiresAt) return "lease expired";
  return null;
}
