import { type Clock, sleep } from "../clock";

/** How often a call waiting for the first snapshot looks whether it has arrived, ms. */
const POLL_MS = 10;

/**
 * The bounded wait of a fresh client's first calls for its first snapshot. The window opens
 * when the first refresh starts and lasts `firstSync` ms; it closes early once that refresh
 * is over, whatever its outcome. After that no call ever waits again.
 *
 * A call waits on the refresh itself only where that is safe: when it started the refresh,
 * or off Workers. On Workers another request's I/O must not be awaited (workerd refuses it),
 * so such a call looks every 10 ms, on timers of its own.
 *
 * @example
 * ```ts
 * const first = new FirstSync(clock, 100);
 * first.opened(now, refreshJob);
 * await first.wait(undefined, true);
 * ```
 */
export class FirstSync {
  /** No call will wait (any more). */
  done: boolean;
  #until = -1;
  #job: Promise<void> | undefined;
  readonly #clock: Clock;
  readonly #ms: number;

  constructor(clock: Clock, ms: number) {
    this.#clock = clock;
    this.#ms = ms;
    this.done = ms === 0;
  }

  /** The first refresh started (later ones are ignored). */
  opened(now: number, job: Promise<void>): void {
    if (this.#until >= 0) return;
    this.#until = now + this.#ms;
    this.#job = job;
  }

  /**
   * A promise for a call to wait on, or `undefined` to go ahead. `own` is the refresh this
   * call started, if it did; `shared` says other calls' refreshes may be awaited too.
   */
  wait(own: Promise<void> | undefined, shared: boolean): Promise<void> | undefined {
    if (this.done) return undefined;
    // No refresh under way yet (one that is backing off, or closed): nothing to wait for.
    if (this.#until < 0) return undefined;
    const remaining = this.#until - this.#clock.now();
    if (remaining <= 0) {
      this.done = true;
      return undefined;
    }
    const job = own ?? (shared ? this.#job : undefined);
    if (job === undefined) return this.#poll();
    return new Promise<void>((resolve) => {
      const timer = this.#clock.setTimeout(resolve, remaining);
      job.then(() => {
        this.#clock.clearTimeout(timer);
        resolve();
      });
    });
  }

  async #poll(): Promise<void> {
    for (let now = this.#clock.now(); !this.done && now < this.#until; ) {
      await sleep(this.#clock, Math.min(POLL_MS, this.#until - now));
      now = this.#clock.now();
    }
  }
}
