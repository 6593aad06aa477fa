import type { Clock } from "../clock";
import { TimeoutError } from "../errors/timeout-error";
import type { Call } from "../types";
import { triedUrls } from "./attempt";
import {
  abortBody,
  abortReason,
  type CallerRelay,
  linkedBody,
  onCollected,
  relayOf,
} from "./caller-relay";

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
 * signal costs ≈5 µs and `AbortSignal.any` ≈8 µs on Node, per call. The caller's signal has
 * one listener for all the calls made with it (see `CallerRelay`); a call registers there
 * only when something abortable is tracked.
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
  /**
   * The error `fetch` raised for the caller's own request (see `judgeFailure`), which ends
   * the call as an abort does; `undefined` while there is none.
   */
  refused: unknown = undefined;
  /** Whether the refused request never left (fetch refused its input outright). */
  unsent = false;
  #active: Abortable[] | undefined;
  #relay: CallerRelay | undefined;
  /** This call's slot in its relay's `calls` while it is listed there, else -1. */
  #slot = -1;
  #reason: unknown;

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

  /** Ends the call for the caller's own request's sake (see {@link refused}). */
  refuse(error: unknown, sent: boolean): void {
    this.refused = error;
    this.unsent = !sent;
  }

  /** True once the caller ended the call: their signal aborted, or fetch refused their request. */
  get callerAborted(): boolean {
    return this.refused !== undefined || this.callerSignal?.aborted === true;
  }

  /** What the call rejects with once {@link callerAborted}: the refusal, or the abort reason. */
  get abortReason(): unknown {
    if (this.refused !== undefined) return this.refused;
    this.#reason ??= abortReason(this.callerSignal!);
    return this.#reason;
  }

  /** The total timeout's error, naming the upstreams tried (made only once it is thrown). */
  expired(upstreams: readonly string[]): TimeoutError {
    return new TimeoutError("total", this.totalTimeout, this.attempts, upstreams);
  }

  /**
   * Lets the caller's abort reach `item` until it is untracked or the call ends. Without a
   * caller signal there is nothing to relay, so nothing is kept.
   */
  track(item: Abortable): void {
    if (this.callerSignal === undefined) return;
    if (this.#relay === undefined) {
      this.#relay = relayOf(this.callerSignal);
      this.#slot = this.#relay.calls.push(this) - 1;
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
  abortAll(): void {
    this.#slot = -1;
    const active = this.#active;
    if (active === undefined) return;
    this.#active = undefined;
    const reason = this.abortReason;
    for (const item of active) item.abort(reason);
  }

  /**
   * Ends the call. For a returned response whose body the transport may still be reading,
   * the total deadline and the caller's abort keep reaching that body until it is no longer
   * reachable (weakly: see `body-link.ts`), and the deadline's timer does not hold a process
   * open on its own.
   */
  finish(call: Call, response?: Response): void {
    this.#leave();
    this.#active = undefined;
    if (response === undefined) return;
    const ref = linkedBody(response);
    if (ref === undefined) return;
    if (this.deadline !== Infinity) {
      // One closure over what the error needs (made when it fires): the timer keeps neither
      // the scope nor the request body alive, and it is dropped once the body is collected.
      const { clock, totalTimeout, attempts } = this;
      const { tried, url } = call;
      const timer = clock.setTimeout(
        () =>
          abortBody(
            ref,
            () => new TimeoutError("total", totalTimeout, attempts, triedUrls({ tried, url })),
          ),
        this.deadline - clock.now(),
        true,
      );
      onCollected(ref, () => clock.clearTimeout(timer));
    }
    if (this.callerSignal !== undefined) {
      this.#relay ??= relayOf(this.callerSignal);
      this.#relay.add(ref);
    }
  }

  /** Frees this call's slot in its relay: the last call moves into it. */
  #leave(): void {
    const slot = this.#slot;
    if (slot === -1) return;
    this.#slot = -1;
    const calls = this.#relay!.calls as CallScope[];
    const last = calls.pop()!;
    if (last !== this) {
      calls[slot] = last;
      last.#slot = slot;
    }
  }

  /**
   * Settles as `work` does, unless the caller aborts first (rejects with their reason) or the
   * deadline passes first (rejects with a total `TimeoutError`); then `cancel` is called so
   * the work can stop. For waits outside any attempt, such as buffering a request body.
   */
  within<T>(work: Promise<T>, cancel: (reason: unknown) => void): Promise<T> {
    return this.#wait(work, this.deadline - this.clock.now(), cancel);
  }

  /**
   * Resolves after `ms`, or rejects with the caller's reason if they abort first. The caller
   * keeps it within the deadline (a retry that does not fit is not slept for).
   */
  sleep(ms: number): Promise<void> {
    return this.#wait(undefined, ms);
  }

  /** `work` (or, without work, the end of `ms`) unless the caller aborts or `ms` passes. */
  #wait<T>(work: Promise<T> | undefined, ms: number, cancel?: (reason: unknown) => void) {
    return new Promise<T>((resolve, reject) => {
      let timer: unknown;
      const done = (settle: (value: unknown) => void, value?: unknown) => {
        if (timer !== undefined) this.clock.clearTimeout(timer);
        this.untrack(item);
        settle(value);
      };
      const item: Abortable = {
        abort: (reason) => {
          cancel?.(reason);
          done(reject, reason);
        },
      };
      if (this.callerAborted) return item.abort(this.abortReason);
      if (ms !== Infinity) {
        timer = this.clock.setTimeout(
          work === undefined
            ? () => done(resolve as () => void)
            : () => item.abort(this.expired([])),
          Math.max(0, ms),
        );
      }
      this.track(item);
      work?.then(
        (value) => done(resolve as (value: unknown) => void, value),
        (error) => done(reject, error),
      );
    });
  }
}
