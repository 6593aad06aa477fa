/**
 * What a Worker isolate remembers about one location's probe lease, so that it asks the
 * service's object for a lease only when one may be due there, not on every read. The
 * object alone decides who gets a lease (it is single-threaded, so a lease goes to exactly
 * one caller per location); this hint only keeps the asking down to about one per isolate
 * per heartbeat interval.
 *
 * @example
 * ```ts
 * if (leaseAskDue(slot, now)) slot = leaseAsking(slot, now);
 * ```
 */
export interface LeaseSlot {
  /** The object's earliest time a lease may be due here again. */
  dueAt: number;
  /** When a request of this isolate asked and has not heard back; `null` when none. */
  askingSince: number | null;
}

/** How long an unanswered ask keeps other requests from asking (a lost request). */
export const LEASE_ASK_TIMEOUT_MS = 5_000;
/** How long to wait after an ask that failed before asking again. */
export const LEASE_RETRY_MS = 1_000;

/**
 * Whether a read at `now` should ask the object for the location's lease: nothing known
 * yet, or the due time has come and no other request of this isolate is asking.
 *
 * @example
 * ```ts
 * leaseAskDue(undefined, now); // true
 * ```
 */
export function leaseAskDue(slot: LeaseSlot | undefined, now: number): boolean {
  if (slot === undefined) return true;
  if (slot.askingSince !== null && now - slot.askingSince < LEASE_ASK_TIMEOUT_MS) return false;
  return now >= slot.dueAt;
}

/**
 * The slot while a request asks.
 *
 * @example
 * ```ts
 * slots.set(key, leaseAsking(slots.get(key), now));
 * ```
 */
export function leaseAsking(slot: LeaseSlot | undefined, now: number): LeaseSlot {
  return { dueAt: slot?.dueAt ?? now, askingSince: now };
}

/**
 * The slot after the object answered (`dueAt` from its answer), or after the ask failed
 * (`dueAt` null: ask again after {@link LEASE_RETRY_MS}).
 *
 * @example
 * ```ts
 * slots.set(key, leaseAnswered(reply.lease?.dueAt ?? null, now));
 * ```
 */
export function leaseAnswered(dueAt: number | null, now: number): LeaseSlot {
  return { dueAt: dueAt ?? now + LEASE_RETRY_MS, askingSince: null };
}
