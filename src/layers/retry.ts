import { triedUrls } from "../core/attempt";
import { cancelBody } from "../core/discard-body";
import { isFinalError } from "../core/is-final-error";
import { type LayerContext, resolveLayerContext } from "../core/layer-context";
import { BudgetExhaustedError } from "../errors/budget-exhausted-error";
import type { GiveUpEvent } from "../events";
import { backoffDelay } from "../retry/backoff";
import { replayableBody } from "../retry/replayable-body";
import { parseRetryAfter } from "../retry/retry-after";
import { RetryBudget } from "../retry/retry-budget";
import {
  type ResolvedRetryOptions,
  type RetryOptions,
  resolveRetryOptions,
} from "../retry/retry-options";
import { type Call, forAttempt, type Handler, type Layer } from "../types";

/**
 * Retries failed attempts: network errors, attempt timeouts and the statuses in `on`, with
 * exponential backoff and jitter, `Retry-After`, a retry budget, and only for requests that
 * may be sent twice (see `isIdempotent`). Each retry is a new attempt that the balancer sends
 * to an upstream not tried yet. The body of every response that is retried is cancelled.
 *
 * When a retry is not possible (attempts spent, budget spent, the wait would pass the
 * deadline, a `Retry-After` over `maxRetryAfter`) the last response is returned, like
 * `fetch` would; a last error is rethrown (the pipeline's entry wraps a transport error in
 * a `NetworkError`), or a `BudgetExhaustedError` when the budget stopped the retry.
 *
 * @example
 * ```ts
 * const send = compose(fetch, retry({ attempts: 3, on: [503] }), timeout(1_000));
 * ```
 */
export function retry(options?: RetryOptions | number | false, context?: LayerContext): Layer {
  return retryResolved(resolveRetryOptions(options), context);
}

/**
 * {@link retry} with options already resolved (`createClient` validates them once).
 *
 * @example
 * ```ts
 * const layer = retryResolved(resolveRetryOptions({ attempts: 2 }), { events });
 * ```
 */
export function retryResolved(resolved: ResolvedRetryOptions, context?: LayerContext): Layer {
  const { random, events } = resolveLayerContext(context);
  const { attempts, backoff, on, maxRetryAfter, bodyLimit } = resolved;
  const budget = RetryBudget.from(resolved.budget);

  return (next: Handler): Handler => {
    async function retry(call: Call): Promise<Response> {
      const scope = call.scope;
      budget?.deposit(scope.started);
      if (attempts === 1) return next(call);
      if (call.idempotent && call.init.body != null) {
        call.replayable = await replayableBody(call, bodyLimit);
      }
      let previousDelay = 0;
      let current = call;
      for (let attempt = 1; ; attempt++) {
        let response: Response | undefined;
        let error: unknown;
        try {
          response = await next(current);
          if (!on.has(response.status)) return response;
        } catch (caught) {
          if (scope.callerAborted || isFinalError(caught)) throw caught;
          error = caught;
        }
        const now = scope.clock.now();
        let giveUp: GiveUpEvent["reason"] | undefined;
        let delay = 0;
        let retryAfter: number | undefined;
        if (!call.idempotent) giveUp = "not-idempotent";
        else if (!call.replayable) giveUp = "body-not-replayable";
        else if (attempt >= attempts) giveUp = "attempts";
        else {
          retryAfter = response && parseRetryAfter(response.headers.get("retry-after"), now);
          delay = retryAfter ?? backoffDelay(backoff, attempt, previousDelay, random);
          if (retryAfter !== undefined && retryAfter > maxRetryAfter)
            giveUp = "retry-after-too-long";
          else if (now + delay >= scope.deadline) giveUp = "deadline";
          else if (budget !== undefined && !budget.tryWithdraw(now)) giveUp = "budget";
        }
        if (giveUp !== undefined) {
          if (events.has("giveup")) {
            events.emit("giveup", {
              attempt,
              method: call.method,
              upstream: current.upstream?.base,
              reason: giveUp,
              status: response?.status,
              error,
            });
          }
          if (response !== undefined) return response;
          throw giveUp === "budget"
            ? new BudgetExhaustedError(scope.attempts, triedUrls(current), { cause: error })
            : error;
        }
        if (events.has("retry")) {
          events.emit("retry", {
            attempt: attempt + 1,
            method: call.method,
            upstream: current.upstream?.base,
            reason: response ? "status" : "error",
            status: response?.status,
            error,
            delayMs: delay,
            retryAfterMs: retryAfter,
          });
        }
        cancelBody(response?.body);
        if (delay > 0) await scope.sleep(delay);
        previousDelay = delay;
        current = forAttempt(call, attempt + 1);
      }
    }

    return retry;
  };
}
