/**
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

/**
 * The runtime's clock: `performance.timeOrigin + performance.now()` where available (so a
 * wall-clock step does not stretch a deadline), `Date.now()` otherwise. Timers are looked
 * up on `globalThis` at call time, never captured at import time, so fake timers and
 * polyfills installed later still apply.
 *
 * @example
 * ```ts
 * import { systemClock } from "resilient-fetch";
 * const deadline = systemClock.now() + 5_000;
 * ```
 */
export const systemClock: Clock = {
  now: hasPerformance ? () => performance.timeOrigin + performance.now() : () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
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
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
