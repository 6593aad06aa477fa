import { LIMIT, numberOption } from "../options/validate";
import type { Call, Handler, Layer } from "../types";

/**
 * Per-attempt timeout. Place it below `retry` (and `hedge`) so every attempt gets its own
 * limit; the transport arms one timer for this limit or the call's remaining deadline,
 * whichever is sooner, and rejects with a `TimeoutError` whose `limit` is `"attempt"`.
 * The limit covers the time to response headers; the body is then the caller's to read.
 *
 * @example
 * ```ts
 * const send = compose(fetch, retry({ attempts: 3 }), timeout(1_000));
 * ```
 */
export function timeout(ms: number): Layer {
  const limit = numberOption("timeout.attempt", ms, LIMIT);
  return (next: Handler): Handler =>
    function timeout(call: Call): Promise<Response> {
      call.attemptTimeout = limit;
      return next(call);
    };
}
