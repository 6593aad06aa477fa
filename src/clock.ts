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
  /**
   * Calls `callback` once after `ms` milliseconds. A `weak` timer does not keep the process
   * alive on its own (as an unref'd Node timer): the client sets one for the deadline of a
   * response body that may never be read. A clock without processes may ignore the flag.
   */
  setTimeout(callback: () => void, ms: number, weak?: boolean): TimerHandle;
  /** Cancels a timer; a no-op for a timer that already fired or was cleared. */
  clearTimeout(handle: TimerHandle): void;
}

// A high-resolution clock with an origin to add to it (a runtime may report 0).
const hasPerformance = (globalThis.performance?.timeOrigin ?? 0) > 0;

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
 * small heap entry and only the earliest one is armed as a runtime timer, which holds the
 * process open only while a timer that is not `weak` is pending.
 */
class SharedTimers {
  readonly #heap = new TimerHeap();
  #seq = 0;
  #armed: ReturnType<typeof setTimeout> | undefined;
  #armedAt = Infinity;
  /** Pending timers that are not weak. */
  #strong = 0;
  readonly #fire = () => this.#run();

  set(callback: () => void, ms: number, weak = false): ManualTimer {
    const timer: ManualTimer = {
      due: now() + Math.max(0, ms),
      seq: this.#seq++,
      callback,
      weak,
      index: -1,
    };
    this.#heap.push(timer);
    if (!weak) this.#strong++;
    // The first pending timer: the armed one may be unref'd (idle) even when it is earlier.
    if (timer.due < this.#armedAt || this.#heap.size === 1) this.#arm(timer.due);
    else this.#idle();
    return timer;
  }

  clear(timer: ManualTimer): void {
    if (!this.#heap.remove(timer)) return;
    if (!timer.weak) this.#strong--;
    this.#idle();
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
      this.#heap.remove(top);
      if (!top.weak) this.#strong--;
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
    // Already armed early enough, the timer fires, finds this entry not yet due, re-arms.
    // Unarmed, #armedAt is Infinity (and clearing no timer does nothing).
    if (due < this.#armedAt) {
      globalThis.clearTimeout(this.#armed);
      this.#armedAt = due;
      // Runtimes read a delay as a 32-bit int: one over 2³¹−1 ms would fire at once (or after
      // 1 ms) and re-arm until due. Capped below that, it fires early, finds nothing due and
      // re-arms (a negative delay is taken as 0 everywhere).
      this.#armed = globalThis.setTimeout(this.#fire, Math.min(due - now(), 1e9));
    }
    this.#idle();
  }

  /**
   * Holds the process open only while a strong timer is pending. Where timers can be
   * unref'd (Node, Bun, Deno) an idle armed timer stays in place: calls one after another
   * then re-use it instead of arming and clearing a runtime timer each. Elsewhere it is
   * cleared once nothing at all is pending.
   */
  #idle(): void {
    const armed = this.#armed;
    if (armed === undefined || refTimer(armed, this.#strong > 0) || this.#heap.size > 0) return;
    globalThis.clearTimeout(armed);
    this.#armed = undefined;
    this.#armedAt = Infinity;
  }
}

/** `ref()`/`unref()` a runtime timer where the runtime can; false where it cannot. */
function refTimer(timer: unknown, ref: boolean): boolean {
  const handle = timer as { ref?: () => unknown; unref?: () => unknown };
  if (typeof handle.unref === "function" && typeof handle.ref === "function") {
    if (ref) handle.ref();
    else handle.unref();
    return true;
  }
  // Deno's timers are numbers, ref'd and unref'd through its namespace.
  const deno = (
    globalThis as { Deno?: { refTimer?(id: number): void; unrefTimer?(id: number): void } }
  ).Deno;
  if (typeof timer !== "number" || deno?.unrefTimer === undefined) return false;
  if (ref) deno.refTimer!(timer);
  else deno.unrefTimer(timer);
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
      setTimeout: (callback, ms, weak) => shared.set(callback, ms, weak),
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
