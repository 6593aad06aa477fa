import type { Clock } from "./clock";
import { systemClock } from "./clock";
import { createCall, type ResilientRequestInit } from "./core/create-call";
import { cancelBody } from "./core/discard-body";
import { settleError } from "./core/settle-error";
import { transport } from "./layers/transport";
import type { Call, FetchLike, Handler, Layer } from "./types";

/**
 * Builds a handler from layers, outermost first: `pipeline([a, b])(h)` is `a(b(h))`.
 *
 * @example
 * ```ts
 * const handler = pipeline([deadline(5_000), retry(3), timeout(1_000)])(transport(fetch));
 * ```
 */
export function pipeline(layers: readonly Layer[]): (handler: Handler) => Handler {
  return (handler) => layers.reduceRight((next, layer) => layer(next), handler);
}

/**
 * A `fetch` with your own choice of layers around the transport, outermost first. Use it
 * when you want retries and timeouts for arbitrary absolute URLs without the balancer; use
 * `createClient` for upstreams.
 *
 * @example
 * ```ts
 * import { compose, deadline, retry, timeout } from "resilient-fetch";
 * const fetchWithRetry = compose(fetch, deadline(5_000), retry({ attempts: 3 }), timeout(1_000));
 * const res = await fetchWithRetry("https://api.example.com/v1/items");
 * ```
 */
export function compose(
  fetch: FetchLike | undefined,
  ...layers: Layer[]
): (input: string | URL | Request, init?: ResilientRequestInit) => Promise<Response> {
  return composeWith(systemClock, fetch, layers);
}

/**
 * {@link compose} on a given clock (tests and simulations use a manual clock).
 *
 * @example
 * ```ts
 * const send = composeWith(new ManualClock(), fleet.fetch, [retry(3), timeout(100)]);
 * ```
 */
export function composeWith(
  clock: Clock,
  fetch: FetchLike | undefined,
  layers: readonly Layer[],
): (input: string | URL | Request, init?: ResilientRequestInit) => Promise<Response> {
  const handler = pipeline(layers)(transport(fetch));
  return function fetchComposed(input, init) {
    let call: Call;
    try {
      call = createCall(input, init, clock);
    } catch (error) {
      return Promise.reject(error);
    }
    return run(handler, call);
  };
}

/**
 * Runs a call through a handler and settles it: the caller's abort is honoured before
 * anything starts, failures become typed errors, and the call's scope is released.
 * `settled` is called once the call is over, either way.
 *
 * @example
 * ```ts
 * return run(handler, createCall(input, init, clock, resolveTarget));
 * ```
 */
export async function run(handler: Handler, call: Call, settled?: () => void): Promise<Response> {
  const scope = call.scope;
  try {
    if (scope.callerAborted) {
      // As fetch does: a stream body that will never be sent is cancelled with the reason.
      cancelBody(call.init.body, scope.abortReason);
      throw scope.abortReason;
    }
    const response = await handler(call);
    scope.finish(call, response);
    return response;
  } catch (error) {
    scope.finish(call);
    throw settleError(call, error);
  } finally {
    settled?.();
  }
}
