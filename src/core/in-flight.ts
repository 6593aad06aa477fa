/**
 * Counts attempts in flight to one upstream, where every entry also expires at its deadline.
 *
 * Why not a plain counter: on Cloudflare a client that disconnects can end the Worker's
 * invocation, and then pending promises never settle and `finally` blocks never run. A
 * counter decremented on settlement would leak upwards forever and the balancer would
 * starve that upstream. Entries here are dropped by `count(now)` once past their expiry.
 *
 * Slots are reused through a free list, so steady traffic allocates nothing.
 *
 * @example
 * ```ts
 * const inFlight = new InFlight();
 * const slot = inFlight.start(now + 30_000);
 * try { await send(); } finally { inFlight.end(slot); }
 * inFlight.count(now); // → 0
 * ```
 */
export class InFlight {
  private readonly expiries: number[] = [];
  private readonly free: number[] = [];
  private active = 0;
  private earliest = Number.POSITIVE_INFINITY;

  /** Records an attempt that must be over by `expiresAt`; returns its slot for {@link end}. */
  start(expiresAt: number): number {
    const slot = this.free.length > 0 ? this.free.pop()! : this.expiries.length;
    this.expiries[slot] = expiresAt;
    this.active++;
    if (expiresAt < this.earliest) this.earliest = expiresAt;
    return slot;
  }

  /** Ends an attempt; a no-op when the slot already expired and was swept. */
  end(slot: number): void {
    if (this.expiries[slot] === -1) return;
    this.expiries[slot] = -1;
    this.free.push(slot);
    this.active--;
  }

  /** Attempts in flight at `now`, after dropping entries whose deadline has passed. */
  count(now: number): number {
    if (now >= this.earliest) this.sweep(now);
    return this.active;
  }

  private sweep(now: number): void {
    let earliest = Number.POSITIVE_INFINITY;
    const expiries = this.expiries;
    for (let slot = 0; slot < expiries.length; slot++) {
      const expiry = expiries[slot]!;
      if (expiry === -1) continue;
      if (expiry <= now) {
        expiries[slot] = -1;
        this.free.push(slot);
        this.active--;
      } else if (expiry < earliest) {
        earliest = expiry;
      }
    }
    this.earliest = earliest;
  }
}
