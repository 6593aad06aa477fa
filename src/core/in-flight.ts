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
 * const token = inFlight.start(now + 30_000);
 * try { await send(); } finally { inFlight.end(token); }
 * inFlight.count(now); // → 0
 * ```
 */
// A token is `slot + generation × SLOTS`: a late `end()` for an entry that expired and whose
// slot was reused must not end the new entry.
const SLOTS = 2 ** 21;

export class InFlight {
  readonly #expiries: number[] = [];
  readonly #generations: number[] = [];
  readonly #free: number[] = [];
  #active = 0;
  #earliest = Infinity;

  /** Records an attempt that must be over by `expiresAt`; returns a token for {@link end}. */
  start(expiresAt: number): number {
    const slot = this.#free.length > 0 ? this.#free.pop()! : this.#expiries.length;
    const generation = ((this.#generations[slot] ?? -1) + 1) % 2 ** 30;
    this.#generations[slot] = generation;
    this.#expiries[slot] = expiresAt;
    this.#active++;
    if (expiresAt < this.#earliest) this.#earliest = expiresAt;
    return slot + generation * SLOTS;
  }

  /** Ends an attempt; a no-op when it already expired (and its slot was swept or reused). */
  end(token: number): void {
    const slot = token % SLOTS;
    if (this.#expiries[slot] === -1 || this.#generations[slot] !== (token - slot) / SLOTS) return;
    this.#expiries[slot] = -1;
    this.#free.push(slot);
    this.#active--;
  }

  /** Attempts in flight at `now`, after dropping entries whose deadline has passed. */
  count(now: number): number {
    if (now >= this.#earliest) this.#sweep(now);
    return this.#active;
  }

  #sweep(now: number): void {
    let earliest = Infinity;
    const expiries = this.#expiries;
    for (let slot = 0; slot < expiries.length; slot++) {
      const expiry = expiries[slot]!;
      if (expiry === -1) continue;
      if (expiry <= now) {
        expiries[slot] = -1;
        this.#free.push(slot);
        this.#active--;
      } else if (expiry < earliest) {
        earliest = expiry;
      }
    }
    this.#earliest = earliest;
  }
}
