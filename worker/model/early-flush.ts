import { HUB_PASSIVE, type HubUpstreamReport } from "../../src/protocol";

/**
 * When a location's relay should flush at once instead of at its next alarm: when a
 * client's entry takes an upstream out of rotation (a breaker trip, an ejection) that no
 * entry at this relay had reported out within the hub's `rotationTtlMs` — the first
 * failure at a location, which other locations are waiting to hear about. At most once
 * per flush interval, so a location costs the service's object at most two writes per
 * interval even while upstreams flap; while an upstream stays out, its clients' repeated
 * out-of-rotation entries (every `rotationTtlMs / 2`) are not news and wait for the
 * regular flush.
 *
 * @example
 * ```ts
 * const early = new EarlyFlush();
 * if (early.due(entries, Date.now(), relayFlushMs)) await storage.setAlarm(Date.now());
 * ```
 */
export class EarlyFlush {
  /** Per upstream, when an entry last said it was out of rotation. */
  private readonly outAt = new Map<string, number>();
  private lastAt = Number.NEGATIVE_INFINITY;

  /** Notes `entries` arriving at `now`; whether they call for a flush now. */
  due(entries: readonly HubUpstreamReport[], now: number, flushMs: number): boolean {
    let news = false;
    for (const e of entries) {
      const out = e.outOfRotation;
      if (out === undefined || out.answers + out.unreachable <= 0) continue;
      const seen = this.outAt.get(e.url);
      if (seen === undefined || now - seen > HUB_PASSIVE.rotationTtlMs) news = true;
      this.outAt.set(e.url, now);
    }
    if (!news || now - this.lastAt < flushMs) return false;
    this.lastAt = now;
    return true;
  }
}
