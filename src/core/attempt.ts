import { TimeoutError } from "../errors/timeout-error";
import type { Call, FetchLike } from "../types";
import type { Abortable } from "./call-scope";
import { linkBody } from "./caller-relay";
import { cancelBody } from "./discard-body";
import { judgeFailure } from "./refusal";

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
   * was). The caller's abort reaches it through the call's scope, and after the call has
   * returned through the caller's relay (see `CallScope.finish`), never `AbortSignal.any`.
   */
  get signal(): AbortSignal {
    this.#controller ??= new AbortController();
    return this.#controller.signal;
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

  // Before the transport has read the signal, the controller is made aborted, for it to find
  // so; a controller keeps the first reason it was aborted with.
  #abortWith(reason: unknown): void {
    this.#controller ??= new AbortController();
    this.#controller.abort(reason);
  }

  #responded(response: Response): void {
    if (this.#settle()) {
      // Abandoned already: nobody will read this body, so release the connection.
      cancelBody(response.body);
      return;
    }
    // The deadline and the caller's abort may need to stop the body once it is returned.
    if (this.#controller !== undefined) linkBody(response, this.#controller);
    this.#resolve(response);
  }

  #failed(error: unknown): void {
    if (this.#settle()) return;
    this.#call.scope.untrack(this);
    judgeFailure(this.#call, error);
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
 * The `init` handed to the transport: the call's own fields copied, and `signal` as an own
 * enumerable getter, so the attempt's `AbortSignal` (≈5 µs to build on Node 20) is only made
 * when the transport reads it, and a user's `fetch` that copies `init` (`{ ...init, headers }`,
 * `Object.assign`) copies the signal with it. One shared descriptor: ≈0.1 µs per attempt,
 * where an object literal with a getter costs ≈0.7 µs.
 */
class AttemptInit {
  [key: string]: unknown;
  // Private, so it is neither enumerated nor copied along with the init.
  readonly #attempt: Attempt;

  static readonly #signal: PropertyDescriptor = {
    get(this: AttemptInit): AbortSignal {
      return this.#attempt.signal;
    },
    enumerable: true,
  };

  constructor(attempt: Attempt, init: RequestInit) {
    this.#attempt = attempt;
    for (const key in init) {
      if (key !== "signal") this[key] = (init as Record<string, unknown>)[key];
    }
    Object.defineProperty(this, "signal", AttemptInit.#signal);
  }
}

/**
 * The base URLs of the upstreams a call has tried, for error messages.
 *
 * @example
 * ```ts
 * throw new NetworkError(call.scope.attempts, triedUrls(call), transportError);
 * ```
 */
export function triedUrls(call: Pick<Call, "tried" | "url">): string[] {
  return call.tried.length === 0 ? [call.url] : call.tried.map((upstream) => upstream.base);
}
