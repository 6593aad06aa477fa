import { LIMIT, numberOption } from "../options/validate";
import type { Call, Handler, Layer } from "../types";

/**
 * Total timeout for the whole call: every attempt, backoff and hedge must fit in it. Place it
 * outermost. When it fires during an attempt, the call rejects with a `TimeoutError` whose
 * `limit` is `"total"`; a retry whose backoff would not fit is not attempted.
 *
 * The caller's `AbortSignal` (`init.signal`) is honoured at every point with or without this
 * layer: before the call, during backoff and during an attempt.
 *
 * @example
 * ```ts
 * const send = compose(fetch, deadline(5_000), retry({ attempts: 3 }), timeout(1_000));
 * ```
 */
export function deadline(ms: number): Layer {
  const total = numberOption("timeout.total", ms, LIMIT);
  return (next: Handler): Handler =>
    function deadline(call: Call): Promise<Response> {
      call.scope.setTotalTimeout(total); // Infinity sets nothing
      return next(call);
    };
}
