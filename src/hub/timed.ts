import type { Clock } from "../clock";

/** Work with its own abort signal and timeout, settling to a value either way. */
export interface Timed<T> {
  readonly result: Promise<T>;
  /** Settles with `abandoned` now and aborts the work. */
  abort(abandoned: T): void;
}

/**
 * Runs `work` with a fresh `AbortSignal` (never a caller's) and a timer on `clock`: when the
 * timer fires first, the result settles with `timedOut` at once and the work is aborted,
 * whether or not it honours the signal. The result never rejects: a thrown error becomes
 * `failed(error)`. The timer is cleared whichever way it ends.
 *
 * @example
 * ```ts
 * const probe = timed(clock, 2_000, (signal) => fetch(url, { signal }).then((r) => r.status),
 *   () => null, () => null);
 * const status = await probe.result;
 * ```
 */
export function timed<T>(
  clock: Clock,
  timeoutMs: number,
  work: (signal: AbortSignal) => Promise<T>,
  timedOut: () => T,
  failed: (error: unknown) => T,
): Timed<T> {
  const controller = new AbortController();
  let settle!: (value: T) => void;
  const result = new Promise<T>((resolve) => {
    settle = resolve;
  });
  let settled = false;
  let timer: unknown;
  const finish = (value: T) => {
    if (settled) return;
    settled = true;
    clock.clearTimeout(timer);
    settle(value);
  };
  const stop = (value: T, reason: string) => {
    finish(value);
    controller.abort(new Error(reason));
  };
  timer = clock.setTimeout(() => stop(timedOut(), `timed out after ${timeoutMs} ms`), timeoutMs);
  let running: Promise<T>;
  try {
    running = work(controller.signal);
  } catch (error) {
    running = Promise.reject(error);
  }
  running.then(finish, (error: unknown) => finish(failed(error)));
  return { result, abort: (abandoned) => stop(abandoned, "abandoned") };
}

/**
 * A short description of an error for events: name, message and the cause's message.
 *
 * @example
 * ```ts
 * describeError(new TypeError("fetch failed", { cause: new Error("ECONNREFUSED") }));
 * // "TypeError: fetch failed: ECONNREFUSED"
 * ```
 */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    const detail = cause instanceof Error ? `: ${cause.message}` : "";
    return `${error.name}: ${error.message}${detail}`.slice(0, 300);
  }
  return String(error).slice(0, 300);
}
