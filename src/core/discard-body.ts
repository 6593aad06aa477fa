import { isStream } from "./refusal";

/**
 * Cancels a request or response body that is a stream nobody reads yet; anything else, or a
 * stream already being read, is left alone. For the body of a response that will not be
 * returned (a retried 503, a losing hedge), so its connection is released; a failure to
 * cancel is of no interest.
 *
 * @example
 * ```ts
 * if (signal.aborted) cancelBody(init.body, signal.reason);
 * if (retrying) cancelBody(response?.body);
 * ```
 */
export function cancelBody(body: unknown, reason?: unknown): void {
  if (isStream(body) && !body.locked) body.cancel(reason).catch(ignore);
}

function ignore(): void {}
