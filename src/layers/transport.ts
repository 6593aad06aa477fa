import { Attempt, triedUrls } from "../core/attempt";
import { judgeFailure } from "../core/refusal";
import type { Call, FetchLike, Handler } from "../types";

/**
 * The bottom of every pipeline: sends one attempt with the injected `fetch` as
 * `fetch(url, init)` (no `Request` is built per attempt).
 *
 * It owns the attempt's timer: the per-attempt timeout or the call's remaining deadline,
 * whichever is sooner, so one timer serves both and the error says which fired. With no
 * limit and no hedging, it calls `fetch` directly (with the caller's own signal, if any)
 * and adds no controller, timer or listener at all.
 *
 * `fetch` defaults to `globalThis.fetch`, looked up per attempt (never captured at import
 * time), so polyfills and test doubles installed later apply.
 *
 * @example
 * ```ts
 * const send = compose(transport(myFetch), timeout(1_000));
 * ```
 */
export function transport(fetch?: FetchLike): Handler {
  return function transport(call: Call): Promise<Response> {
    const send = fetch ?? (globalThis.fetch as FetchLike);
    const scope = call.scope;
    if (scope.callerAborted) return Promise.reject(scope.abortReason);
    const remaining =
      scope.deadline === Infinity
        ? scope.deadline
        : scope.deadline - (Number.isNaN(call.sentAt) ? scope.clock.now() : call.sentAt);
    if (remaining <= 0) return Promise.reject(scope.expired(triedUrls(call)));
    scope.attempts++;
    const byAttempt = call.attemptTimeout <= remaining;
    const limitMs = byAttempt ? call.attemptTimeout : remaining;
    if (limitMs === Infinity && !call.abortable) {
      // Nothing of ours can end this attempt: hand the caller's signal straight to fetch.
      const signal = scope.callerSignal;
      return direct(send, call, signal === undefined ? call.init : { ...call.init, signal });
    }
    const attempt = new Attempt(call, limitMs, byAttempt ? "attempt" : "total");
    call.handle = attempt;
    scope.track(attempt);
    return attempt.run(send);
  };
}

// An async function rather than `.then(…, judge)`: no closure per call.
async function direct(send: FetchLike, call: Call, init: RequestInit): Promise<Response> {
  try {
    return await send(call.url, init);
  } catch (error) {
    judgeFailure(call, error);
    throw error;
  }
}
