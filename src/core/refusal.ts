import type { Call } from "../types";

/**
 * Whether a transport's failure was caused by the caller's own request rather than by the
 * network or the upstream; if so it is recorded on the call's scope, which then ends the
 * call at once like an abort: no retry, no hedge, nothing counted against the upstream, and
 * the caller gets the transport's error as `fetch` threw it.
 *
 * Two kinds, told apart only on this failure path so a successful call pays nothing:
 * - fetch refused the input (an invalid method, header, redirect mode, a body on a GET, …):
 *   the runtime's own `Request` constructor refuses the same input, and nothing was sent, so
 *   the attempt is not counted either;
 * - the request was sent, but its own rules turned the answer into an error: `redirect:
 *   "error"` met a redirect, the redirect limit was reached, or `integrity` did not match.
 *   Runtimes say so only in the message (Node: in `cause`), which is what is matched; where
 *   a runtime says nothing (Chromium's "Failed to fetch"), it counts as a network error.
 *
 * @example
 * ```ts
 * sent.then(undefined, (error) => { judgeFailure(call, error); throw error; });
 * ```
 */
export function judgeFailure(call: Call, error: unknown): void {
  if (!(error instanceof TypeError)) return;
  const scope = call.scope;
  const refused = refusalOf(call.url, call.init);
  if (refused !== undefined) {
    scope.attempts--;
    scope.refuse(error, false);
  } else if (ANSWERED.test(`${error.message} ${(error.cause as Error)?.message}`)) {
    scope.refuse(error, true);
  }
}

// How each runtime words it (Node in `cause`): precise phrases, since Deno and Bun put the
// request's URL in their messages too, and a path may well contain "redirect".
const ANSWERED =
  /unexpected ?redirect|redirect count exceeded|too ?many ?redirects|number of redirects|redirect mode is set to .error|integrity mismatch/i;

/**
 * The `TypeError` this runtime's `Request` constructor throws for `(url, init)`, or
 * `undefined` when it accepts them. A stream body is stood in for by a fresh one, so a body
 * already read (or locked) is judged by its type alone.
 *
 * @example
 * ```ts
 * const error = refusalOf("http://localhost/", { method: "PUT", body: stream }); // no duplex
 * ```
 */
export function refusalOf(url: string, init: RequestInit): unknown {
  try {
    new Request(url, isStream(init.body) ? { ...init, body: new ReadableStream() } : init);
  } catch (error) {
    return error;
  }
  return undefined;
}

/**
 * Whether a body is a `ReadableStream` (which can be read once only).
 *
 * @example
 * ```ts
 * if (isStream(init.body)) await buffer(init.body);
 * ```
 */
export function isStream(body: unknown): body is ReadableStream {
  return typeof ReadableStream !== "undefined" && body instanceof ReadableStream;
}
