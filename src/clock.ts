import { type ManualTimer, TimerHeap } from "./core/timer-heap";

/*
 * Time, injected. This file and `random.ts` are the only places in `src/` that touch
 * the runtime's timers; everything else asks a {@link Clock}, so tests and the
 * simulation kit can run on virtual time.
 */

/** An opaque handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = unknown;

/**
 * A source of time and timers.
 *
 * @example
 * ```ts
 * const started = clock.now();
 * const timer = clock.setTimeout(() => console.log("late"), 1_000);
 * clock.clearTimeout(timer);
 * ```
 */
export interface Clock {
  /** Milliseconds since the epoch; sub-millisecond and monotonic where the runtime allows. */
  now(): number;
  /** Calls `callback` once after `ms` milliseconds. */
  setTimeout(callback: () => void, ms: number): TimerHandle;
  /** Cancels a timer; a no-op for a timer that already fired or was cleared. */
  clearTimeout(handle: TimerHandle): void;
}

const hasPerformance =
  typeof performance !== "undefined" &&
  typeof performance.now === "function" &&
  typeof performance.timeOrigin === "number" &&
  performance.timeOrigin > 0;

// `performance.timeOrigin` is a getter that costs more than `performance.now()` itself.
const origin = hasPerformance ? performance.timeOrigin : 0;
const now: () => number = hasPerformance ? () => origin + performance.now() : () => Date.now();

/**
 * Whether this is Cloudflare's runtime (workerd). There a timer belongs to the request that
 * set it and never fires once that request has finished, so one timer shared by many calls
 * could strand the others' deadlines, and there are no timers outside a request at all.
 *
 * @example
 * ```ts
 * const background = !isWorkerd; // no timers between requests on Workers
 * ```
 */
export const isWorkerd =
  typeof navigator !== "undefined" &&
  (navigator as { userAgent?: string }).userAgent === "Cloudflare-Workers";

/**
 * Many deadlines on one runtime timer. A runtime timer costs ≈0.5 µs to set and clear on Node
 * and its object is heavy enough to dominate the client's per-call garbage; attempt
 * timeouts are set and cleared on every call and almost never fire. Here each deadline is a
 * small heap entry and only the earliest one is armed as a runtime timer, which is cleared as
 * soon as nothing is pending, so it never keeps a process alive on its own account.
 */
class SharedTimers {
  readonly #heap = new TimerHeap();
  #seq = 0;
  #armed: ReturnType<typeof setTimeout> | undefined;
  #armedAt = Infinity;
  readonly #fire = () => this.#run();

  set(callback: () => void, ms: number): ManualTimer {
    const timer: ManualTimer = {
      due: now() + Math.max(0, ms),
      seq: this.#seq++,
      callback,
      index: -1,
    };
    this.#heap.push(timer);
    // The first pending timer: the armed one may be unref'd (idle) even when it is earlier.
    if (timer.due < this.#armedAt || this.#heap.size === 1) this.#arm(timer.due);
    return timer;
  }

  clear(timer: ManualTimer): void {
    if (!this.#heap.remove(timer)) return;
    if (this.#heap.size === 0) this.#idle();
  }

  #run(): void {
    this.#armed = undefined;
    this.#armedAt = Infinity;
    // Runtimes may wake a little before the due time as `now()` sees it; 1 ms of slack
    // avoids re-arming for a sliver.
    const limit = now() + 1;
    for (
      let top = this.#heap.peek();
      top !== undefined && top.due <= limit;
      top = this.#heap.peek()
    ) {
      this.#heap.pop();
      try {
        top.callback();
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    const next = this.#heap.peek();
    if (next !== undefined) this.#arm(next.due);
  }

  #arm(due: number): void {
    const armed = this.#armed;
    if (armed !== undefined && due >= this.#armedAt) {
      // Already armed early enough: the timer fires, finds this entry not yet due, re-arms.
      refTimer(armed, true);
      return;
    }
    if (armed !== undefined) globalThis.clearTimeout(armed);
    this.#armedAt = due;
    this.#armed = globalThis.setTimeout(this.#fire, Math.max(0, due - now()));
  }

  /**
   * Nothing is pending. Where timers can be unref'd (Node, Bun) the armed timer stays in
   * place but stops holding the process open: calls one after another then re-use it instead
   * of arming and clearing a runtime timer each. Elsewhere it is cleared.
   */
  #idle(): void {
    const armed = this.#armed;
    if (armed === undefined) return;
    if (refTimer(armed, false)) return;
    globalThis.clearTimeout(armed);
    this.#armed = undefined;
    this.#armedAt = Infinity;
  }
}

/** `ref()`/`unref()` a runtime timer where the runtime has them; false where it has not. */
function refTimer(timer: unknown, ref: boolean): boolean {
  const handle = timer as { ref?: () => unknown; unref?: () => unknown };
  if (typeof handle.unref !== "function" || typeof handle.ref !== "function") return false;
  if (ref) handle.ref();
  else handle.unref();
  return true;
}

const shared = new SharedTimers();

/**
 * The runtime's clock: `performance.timeOrigin + performance.now()` where available (so a
 * wall-clock step does not stretch a deadline), `Date.now()` otherwise. Its timers share one
 * runtime timer (see above), except on workerd, where every timer is the runtime's own.
 * Runtime timers are looked up on `globalThis` when used, never captured at import time.
 *
 * @example
 * ```ts
 * import { systemClock } from "resilient-fetch";
 * const deadline = systemClock.now() + 5_000;
 * ```
 */
export const systemClock: Clock = isWorkerd
  ? {
      now,
      setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
      clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
    }
  : {
      now,
      setTimeout: (callback, ms) => shared.set(callback, ms),
      clearTimeout: (handle) => shared.clear(handle as ManualTimer),
    };

/**
 * Resolves after `ms` on `clock`, or rejects with `signal.reason` when `signal` aborts first.
 * The abort listener and the timer are both removed on either outcome.
 *
 * @example
 * ```ts
 * await sleep(systemClock, 50, controller.signal);
 * ```
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0 && !signal) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clock.clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = clock.setTimeout(
      () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
