import { TimeoutError } from "../errors/timeout-error";
import type { Call, FetchLike } from "../types";
import type { Abortable } from "./call-scope";
import { discardBody } from "./discard-body";

/**
 * One attempt in flight: its abort controller, the timer for the per-attempt timeout or the
 * remaining deadline (one timer serves both: whichever is sooner), and the promise the
 * pipeline awaits.
 *
 * It settles its promise itself on timeout or abort rather than waiting for the transport
 * to notice the signal, so a transport that ignores `signal` cannot hang a call. A response
 * that arrives after the attempt was abandoned has its body cancelled.
 *
 * @example
 * ```ts
 * const attempt = new Attempt(call, 1_000, "attempt");
 * call.scope.track(attempt);
 * const response = await attempt.run(fetch);
 * ```
 */
export class Attempt implements Abortable {
  // Created on first use: building an AbortSignal costs ≈5 µs on Node 20, more than the rest
  // of the pipeline together, and an in-memory or cached transport may never look at it.
  #controller: AbortController | undefined;
  #signal: AbortSignal | undefined;
  #abortReason: unknown;
  #aborted = false;
  #timer: unknown;
  #settled = false;
  #resolve!: (response: Response) => void;
  #reject!: (reason: unknown) => void;

  readonly #call: Call;
  readonly #limitMs: number;
  readonly #limit: "attempt" | "total";

  constructor(call: Call, limitMs: number, limit: "attempt" | "total") {
    this.#call = call;
    this.#limitMs = limitMs;
    this.#limit = limit;
  }

  /**
   * The signal handed to the transport (made on first read; already aborted if the attempt
   * was). With a caller signal it follows that one too, through `AbortSignal.any`, so the
   * caller's abort still reaches the response body after the call has returned, and the
   * runtime drops that link once the body is done with: no listener is left on a long-lived
   * caller signal per call.
   */
  get signal(): AbortSignal {
    if (this.#signal === undefined) {
      const controller = new AbortController();
      this.#controller = controller;
      if (this.#aborted) controller.abort(this.#abortReason);
      const caller = this.#call.scope.callerSignal;
      this.#signal =
        caller !== undefined && typeof AbortSignal.any === "function"
          ? AbortSignal.any([caller, controller.signal])
          : controller.signal;
    }
    return this.#signal;
  }

  run(fetch: FetchLike): Promise<Response> {
    return new Promise<Response>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
      const call = this.#call;
      if (this.#limitMs !== Infinity) {
        this.#timer = call.scope.clock.setTimeout(() => this.#timeout(), this.#limitMs);
      }
      const withSignal = new AttemptInit(this, call.init);
      let sent: Promise<Response>;
      try {
        sent = fetch(call.url, withSignal as RequestInit);
      } catch (error) {
        sent = Promise.reject(error);
      }
      sent.then(
        (response) => this.#responded(response),
        (error) => this.#failed(error),
      );
    });
  }

  /** Abandons the attempt (caller abort, lost hedge): rejects now, aborts the transport. */
  abort(reason: unknown): void {
    if (!this.#settle()) {
      this.#call.scope.untrack(this);
      this.#reject(reason);
    }
    this.#abortWith(reason);
  }

  #abortWith(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#abortReason = reason;
    this.#controller?.abort(reason);
  }

  #responded(response: Response): void {
    if (this.#settle()) {
      // Abandoned already: nobody will read this body, so release the connection.
      discardBody(response);
      return;
    }
    this.#resolve(response);
  }

  #failed(error: unknown): void {
    if (this.#settle()) return;
    this.#call.scope.untrack(this);
    this.#reject(error);
  }

  #timeout(): void {
    if (this.#settle()) return;
    const call = this.#call;
    const timeoutMs = this.#limit === "attempt" ? this.#limitMs : call.scope.totalTimeout;
    const error = new TimeoutError(this.#limit, timeoutMs, call.scope.attempts, triedUrls(call));
    call.scope.untrack(this);
    this.#abortWith(error);
    this.#reject(error);
  }

  /** Marks the attempt settled; returns true when it already was. */
  #settle(): boolean {
    if (this.#settled) return true;
    this.#settled = true;
    if (this.#timer !== undefined) this.#call.scope.clock.clearTimeout(this.#timer);
    return false;
  }
}

/**
 * The `init` handed to the transport: the call's own fields copied, and `signal` as a getter
 * on the prototype, so the attempt's `AbortSignal` (≈5 µs to build on Node 20) is only made
 * when the transport reads it. `fetch` reads it; a transport that copies `init` with
 * spread syntax should copy `signal` explicitly (`{ ...init, signal: init.signal }`).
 * An object literal with a getter would survive spreading but costs ≈0.4 µs per attempt.
 */
class AttemptInit {
  [key: string]: unknown;
  // Private, so it is neither enumerated nor copied along with the init.
  readonly #attempt: Attempt;

  constructor(attempt: Attempt, init: RequestInit) {
    this.#attempt = attempt;
    for (const key in init) {
      if (key !== "signal") this[key] = (init as Record<string, unknown>)[key];
    }
  }

  get signal(): AbortSignal {
    return this.#attempt.signal;
  }
}

/**
 * The base URLs of the upstreams a call has tried, for error messages.
 *
 * @example
 * ```ts
 * throw new NetworkError(call.attempt, triedUrls(call), { cause });
 * ```
 */
export function triedUrls(call: Call): string[] {
  return call.tried.length === 0 ? [call.url] : call.tried.map((upstream) => upstream.base);
}
