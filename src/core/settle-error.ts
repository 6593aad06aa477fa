import { NetworkError } from "../errors/network-error";
import type { Call } from "../types";
import { triedUrls } from "./attempt";

/**
 * The error a call rejects with: the caller's abort reason as it is, our typed errors as
 * they are, and anything else (what the transport threw: `TypeError: fetch failed`, Bun's
 * connection errors, …) wrapped in a {@link NetworkError} that says which upstreams and how
 * many attempts were tried, with the original as `cause`.
 *
 * @example
 * ```ts
 * try { return await handler(call); } catch (error) { throw settleError(call, error); }
 * ```
 */
export function settleError(call: Call, error: unknown): unknown {
  if (call.scope.callerAborted && error === call.scope.callerSignal!.reason) return error;
  if (typeof error === "object" && error !== null && "attempts" in error) return error;
  return new NetworkError(call.scope.attempts, triedUrls(call), { cause: error });
}
