import type { Random } from "../random";
import { backoffDelay } from "../retry/backoff";

/**
 * The schedule of one kind of hub request (snapshot refreshes, or reports): when the next one
 * is due, whether one is in flight, and the backoff after failures.
 *
 * "In flight" is a deadline, not a flag cleared on settlement: on Cloudflare a request whose
 * invocation ended may never settle, and the next one must not wait for it forever. Each
 * start gets a token; a late completion of an abandoned request carries an old token and is
 * ignored.
 *
 * Backoff after `n` failures in a row: `interval × 2^(n−1)`, capped at `maxBackoff`, with
 * equal jitter (half fixed, half random), so a fleet of clients does not come back in step
 * and no client retries a failing hub sooner than half the delay.
 *
 * @example
 * ```ts
 * const refresh = new Channel(2_000, 60_000, random);
 * if (refresh.due(now)) { const token = refresh.start(now, 2_000); … refresh.succeeded(token, now); }
 * ```
 */
export class Channel {
  /** When the next request is due (regular interval, or the end of a backoff). */
  nextAt = 0;
  /** Failures in a row. */
  failures = 0;
  #busyUntil = -Infinity;
  #token = 0;

  constructor(
    readonly interval: number,
    readonly maxBackoff: number,
    readonly random: Random,
  ) {}

  /** No request of this kind is in flight (or the one that was has passed its deadline). */
  idle(now: number): boolean {
    return now >= this.#busyUntil;
  }

  /** Idle and due: at its time, or earlier when `early` (and not backing off). */
  due(now: number, early = false): boolean {
    return this.idle(now) && (now >= this.nextAt || (early && this.failures === 0));
  }

  /** Marks a request started, in flight until `now + deadlineMs` at the latest. */
  start(now: number, deadlineMs: number): number {
    this.#busyUntil = now + deadlineMs;
    return ++this.#token;
  }

  /** Whether `token` is the request in flight (not one abandoned or superseded). */
  current(token: number): boolean {
    return token === this.#token;
  }

  succeeded(now: number): void {
    this.#busyUntil = -Infinity;
    this.failures = 0;
    this.nextAt = now + this.interval;
  }

  /** Backs off; returns the delay before the next try. */
  failed(now: number): number {
    this.#busyUntil = -Infinity;
    this.failures++;
    const delay = backoffDelay(
      { initial: this.interval, max: this.maxBackoff, multiplier: 2, jitter: "equal" },
      this.failures,
      0,
      this.random,
    );
    this.nextAt = now + delay;
    return delay;
  }

  /** Gives up the request in flight without judging it (closing). */
  abandon(): void {
    this.#busyUntil = -Infinity;
    this.#token++;
  }
}
