import type { Clock, TimerHandle } from "../clock";
import { type ManualTimer, TimerHeap } from "../core/timer-heap";
import { holdChannel, releaseChannel, settle } from "./settle";

/**
 * Options for {@link ManualClock}.
 *
 * @example
 * ```ts
 * const clock = new ManualClock(Date.parse("2026-01-01"), { settle: () => scheduler.yield() });
 * ```
 */
export interface ManualClockOptions {
  /**
   * How the async helpers let promise chains run between timers. Replace it only where the
   * shared `MessageChannel` is unsuitable, e.g. with `() => scheduler.yield()`.
   * @default settle (one `MessageChannel` macrotask)
   */
  settle?: () => Promise<void>;
}

/**
 * Options for {@link ManualClock.runUntilIdle}.
 *
 * @example
 * ```ts
 * await clock.runUntilIdle({ maxTimers: 1_000 });
 * ```
 */
export interface RunUntilIdleOptions {
  /**
   * Give up (throwing an `Error`) after firing this many timers, so a timer that keeps
   * rescheduling itself fails the test instead of hanging it.
   * @default 100_000
   */
  maxTimers?: number;
}

function checkMs(name: string, ms: number): void {
  if (!(ms >= 0 && ms < Number.POSITIVE_INFINITY)) {
    throw new RangeError(`ManualClock.${name}(ms) needs a finite number >= 0, got ${ms}`);
  }
}

/**
 * A {@link Clock} whose time moves only when told to, for tests and simulations.
 *
 * Timers fire in order of due time, ties in the order they were set, and each callback sees
 * `now()` equal to its own due time. `advance()` fires synchronously; `advanceAsync()`,
 * `runNextAsync()` and `runUntilIdle()` also let promise chains settle (one macrotask, see
 * {@link settle}) before the first timer and after every timer, so code that awaits a timer,
 * then a `Response` body, then sets the next timer, runs through on virtual time. Microtasks
 * running between timers matches every runtime, so a continuation can still clear a timer due
 * at the same instant (`advanceAsync(0)` is the way to let everything settle without moving
 * time). An exception thrown by a callback propagates out of the advancing call,
 * with `now()` left at that timer's due time and later timers still pending.
 *
 * @example
 * ```ts
 * const clock = new ManualClock();
 * const client = createClient({ upstreams, clock, fetch: fleet.fetch });
 * const pending = client.fetch("https://a.test/x");
 * await clock.advanceAsync(100); // 100 virtual ms, in well under a millisecond of real time
 * const res = await pending;
 * ```
 */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  #busy = false;
  readonly #timers = new TimerHeap();
  #weak = 0;
  readonly #settle: () => Promise<void>;
  readonly #ownSettle: boolean;

  /** @param startMs the initial value of `now()` */
  constructor(startMs = 0, options: ManualClockOptions = {}) {
    if (!Number.isFinite(startMs)) {
      throw new RangeError(`ManualClock startMs must be a finite number, got ${startMs}`);
    }
    this.#now = startMs;
    this.#settle = options.settle ?? settle;
    this.#ownSettle = options.settle === undefined;
  }

  /** The current virtual time in milliseconds. */
  now(): number {
    return this.#now;
  }

  /**
   * Schedules `callback` at `now() + ms`; like the runtime's, a negative or NaN `ms` means 0.
   * A `weak` timer fires like any other when time passes it, but is not counted in
   * {@link pendingTimers} and does not keep {@link runUntilIdle} going, as an unref'd timer
   * does not keep a process alive.
   */
  setTimeout(callback: () => void, ms: number, weak = false): TimerHandle {
    const timer: ManualTimer = {
      // biome-ignore lint/complexity/useMathMinMax: NaN must become 0 as in runtimes; Math.max keeps it
      due: this.#now + (ms > 0 ? ms : 0),
      seq: this.#seq++,
      callback,
      weak,
      index: -1,
    };
    this.#timers.push(timer);
    if (weak) this.#weak++;
    return timer;
  }

  /** Cancels a timer; a no-op for a timer that fired, was cleared, or is not this clock's. */
  clearTimeout(handle: TimerHandle): void {
    if (typeof handle === "object" && handle !== null && "index" in handle) {
      if (this.#timers.remove(handle as ManualTimer) && (handle as ManualTimer).weak) this.#weak--;
    }
  }

  /** How many timers are waiting to fire, weak ones not counted (see {@link weakTimers}). */
  get pendingTimers(): number {
    return this.#timers.size - this.#weak;
  }

  /**
   * How many weak timers are waiting to fire: the client sets one per returned response body
   * for the call's total deadline (see `timeout.total`).
   */
  get weakTimers(): number {
    return this.#weak;
  }

  /** The due time of the next timer, or `undefined` when none is pending. */
  get nextTimerAt(): number | undefined {
    return this.#timers.peek()?.due;
  }

  /**
   * Moves time forward by `ms`, firing due timers synchronously and in order. Promise
   * continuations run only after it returns, so use {@link advanceAsync} for async code.
   */
  advance(ms: number): void {
    checkMs("advance", ms);
    this.#enter();
    try {
      const target = this.#now + ms;
      while (this.#fireNextDue(target));
      this.#now = target;
    } finally {
      this.#busy = false;
    }
  }

  /**
   * Moves time forward by `ms`, letting promise chains settle before the first timer and after
   * each one, so work they schedule within the window fires too.
   */
  async advanceAsync(ms: number): Promise<void> {
    checkMs("advanceAsync", ms);
    this.#enterAsync();
    try {
      const target = this.#now + ms;
      await this.#settle();
      while (this.#fireNextDue(target)) await this.#settle();
      this.#now = target;
    } finally {
      this.#exit();
    }
  }

  /**
   * Lets promise chains settle, then fires the earliest timer (moving `now()` to its due time)
   * and lets them settle again. Resolves `false` when no timer was pending.
   */
  async runNextAsync(): Promise<boolean> {
    this.#enterAsync();
    try {
      await this.#settle();
      if (!this.#fireNextDue(Number.POSITIVE_INFINITY)) return false;
      await this.#settle();
      return true;
    } finally {
      this.#exit();
    }
  }

  /**
   * Fires timers, settling promise chains between them, until none is pending but weak ones.
   * Resolves the number of timers fired; throws once `maxTimers` fired with timers still
   * pending.
   */
  async runUntilIdle(options: RunUntilIdleOptions = {}): Promise<number> {
    const maxTimers = options.maxTimers ?? 100_000;
    if (!(maxTimers >= 0)) {
      throw new RangeError(`runUntilIdle maxTimers must be a number >= 0, got ${maxTimers}`);
    }
    this.#enterAsync();
    let fired = 0;
    try {
      await this.#settle();
      while (this.pendingTimers > 0) {
        if (fired >= maxTimers) {
          throw new Error(
            `ManualClock.runUntilIdle fired ${fired} timers and ${this.pendingTimers} are still ` +
              "pending: does a timer keep rescheduling itself? Raise maxTimers or use advanceAsync",
          );
        }
        this.#fireNextDue(Number.POSITIVE_INFINITY);
        fired++;
        await this.#settle();
      }
      return fired;
    } finally {
      this.#exit();
    }
  }

  #fireNextDue(limit: number): boolean {
    const top = this.#timers.peek();
    if (top === undefined || top.due > limit) return false;
    this.#timers.remove(top);
    if (top.weak) this.#weak--;
    if (top.due > this.#now) this.#now = top.due;
    top.callback();
    return true;
  }

  #enter(): void {
    if (this.#busy) {
      throw new Error(
        "ManualClock is already advancing: await the running advanceAsync/runNextAsync/" +
          "runUntilIdle before starting another, and do not advance from inside a timer",
      );
    }
    this.#busy = true;
  }

  #enterAsync(): void {
    this.#enter();
    if (this.#ownSettle) holdChannel();
  }

  #exit(): void {
    this.#busy = false;
    if (this.#ownSettle) releaseChannel();
  }
}
