import { NetworkError } from "../errors/network-error";
import type { Call } from "../types";
import { triedUrls } from "./attempt";

/**
 * The error a call rejects with: the caller's abort reason as it is, `fetch`'s error for
 * the caller's own request as it is (see `judgeFailure`), our typed errors as they are, and
 * anything else (what the transport threw: `TypeError: fetch failed`, Bun's
 * connection errors, …) wrapped in a {@link NetworkError} that says which upstreams and how
 * many attempts were tried, with the original as `cause`.
 *
 * @example
 * ```ts
 * try { return await handler(call); } catch (error) { throw settleError(call, error); }
 * ```
 */
export function settleError(call: Call, error: unknown): unknown {
  const scope = call.scope;
  // A runtime's own AbortError stands for a caller's abort that had no reason.
  if (scope.callerAborted && (error === scope.abortReason || isAbortError(error))) return error;
  if (typeof error === "object" && error !== null && "attempts" in error) return error;
  return new NetworkError(scope.attempts, triedUrls(call), error);
}

function isAbortError(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === "AbortError";
}
