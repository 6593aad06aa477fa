import type { Clock } from "../clock";
import { TimeoutError } from "../errors/timeout-error";

/**
 * Something in flight for a call that the caller's abort must reach: an attempt, a backoff
 * sleep, a hedge delay.
 */
export interface Abortable {
  abort(reason: unknown): void;
}

/**
 * What one call shares across all its attempts: the clock, the total deadline, the caller's
 * signal, and whatever is in flight right now.
 *
 * Why one object per call instead of an `AbortSignal` chain: adding the first listener to a
 * signal costs ≈5 µs and `AbortSignal.any` ≈8 µs on Node, per call. The scope listens to the
 * caller's signal at most once per call, only when something abortable is tracked, and uses
 * itself as the listener (`handleEvent`) so no closure is allocated.
 *
 * @example
 * ```ts
 * const scope = new CallScope(systemClock, init.signal ?? undefined);
 * scope.setTotalTimeout(5_000);
 * await scope.sleep(100); // rejects with the caller's reason if they abort meanwhile
 * ```
 */
export class CallScope {
  readonly clock: Clock;
  readonly callerSignal: AbortSignal | undefined;
  readonly started: number;
  /** Clock time by which the call must be over; `Infinity` when no total timeout applies. */
  deadline = Infinity;
  /** The total timeout in ms (for error messages), `Infinity` when none. */
  totalTimeout = Infinity;
  /** Attempts sent so far (the transport counts them). */
  attempts = 0;
  #active: Abortable[] | undefined;
  #listening = false;

  constructor(clock: Clock, callerSignal: AbortSignal | undefined) {
    this.clock = clock;
    this.callerSignal = callerSignal;
    this.started = clock.now();
  }

  /** Sets the total deadline from now; a shorter deadline already set wins. */
  setTotalTimeout(ms: number): void {
    const deadline = this.started + ms;
    if (deadline < this.deadline) {
      this.deadline = deadline;
      this.totalTimeout = ms;
    }
  }

  /** True once the caller's signal has aborted. */
  get callerAborted(): boolean {
    return this.callerSignal?.aborted === true;
  }

  /** Milliseconds left until the deadline (may be ≤ 0, or `Infinity`). */
  remaining(now: number): number {
    return this.deadline - now;
  }

  /**
   * Lets the caller's abort reach `item` until it is untracked or the call ends. Without a
   * caller signal there is nothing to relay, so nothing is kept.
   */
  track(item: Abortable): void {
    if (this.callerSignal === undefined) return;
    if (!this.#listening) {
      this.callerSignal.addEventListener("abort", this, { once: true });
      this.#listening = true;
    }
    if (this.#active === undefined) this.#active = [item];
    else this.#active.push(item);
  }

  untrack(item: Abortable): void {
    const active = this.#active;
    if (active === undefined) return;
    const index = active.indexOf(item);
    if (index !== -1) active.splice(index, 1);
  }

  /** The caller's signal fired: abort everything in flight with the caller's reason. */
  handleEvent(): void {
    const active = this.#active;
    if (active === undefined) return;
    const reason = this.callerSignal!.reason;
    this.#active = undefined;
    for (const item of active) item.abort(reason);
  }

  /**
   * Ends the call and unhooks it from the caller's signal. Aborting after the headers still
   * cancels the body, as with `fetch`: the transport's signal follows the caller's through
   * `AbortSignal.any` (see `Attempt.signal`). Only where a runtime lacks `AbortSignal.any`
   * does a returned response's attempt stay linked here instead.
   */
  finish(returnedResponse: boolean): void {
    if (!this.#listening) return;
    if (returnedResponse && typeof AbortSignal.any !== "function") return;
    this.callerSignal!.removeEventListener("abort", this);
    this.#listening = false;
    this.#active = undefined;
  }

  /**
   * Settles as `work` does, unless the caller aborts first (rejects with their reason) or the
   * deadline passes first (rejects with a total `TimeoutError`); then `cancel` is called so
   * the work can stop. For waits outside any attempt, such as buffering a request body.
   */
  within<T>(work: Promise<T>, cancel: (reason: unknown) => void): Promise<T> {
    if (this.callerSignal === undefined && this.deadline === Infinity) return work;
    return new Promise<T>((resolve, reject) => {
      let timer: unknown;
      const done = () => {
        this.clock.clearTimeout(timer);
        this.untrack(stop);
      };
      const stop: Abortable = {
        abort: (reason) => {
          done();
          cancel(reason);
          reject(reason);
        },
      };
      if (this.deadline !== Infinity) {
        timer = this.clock.setTimeout(
          () => stop.abort(new TimeoutError("total", this.totalTimeout, this.attempts, [])),
          Math.max(0, this.deadline - this.clock.now()),
        );
      }
      if (this.callerAborted) return stop.abort(this.callerSignal!.reason);
      this.track(stop);
      work.then(
        (value) => {
          done();
          resolve(value);
        },
        (error) => {
          done();
          reject(error);
        },
      );
    });
  }

  /**
   * Resolves after `ms`, or rejects with the caller's reason if they abort first. The caller
   * keeps it within the deadline (a retry that does not fit is not slept for).
   */
  sleep(ms: number): Promise<void> {
    if (this.callerAborted) return Promise.reject(this.callerSignal!.reason);
    return new Promise<void>((resolve, reject) => {
      const sleeper = new Sleeper(this, resolve, reject);
      sleeper.timer = this.clock.setTimeout(() => sleeper.wake(), ms);
      this.track(sleeper);
    });
  }
}

class Sleeper implements Abortable {
  timer: unknown;
  readonly #scope: CallScope;
  readonly #resolve: () => void;
  readonly #reject: (reason: unknown) => void;

  constructor(scope: CallScope, resolve: () => void, reject: (reason: unknown) => void) {
    this.#scope = scope;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  wake(): void {
    this.#scope.untrack(this);
    this.#resolve();
  }

  abort(reason: unknown): void {
    this.#scope.clock.clearTimeout(this.timer);
    this.#reject(reason);
  }
}
