import { CircuitOpenError } from "../errors/circuit-open-error";
import { NoUpstreamError } from "../errors/no-upstream-error";
import type { Upstream } from "./upstream";

/**
 * The error for an attempt no upstream could take: `CircuitOpenError` (with the earliest
 * time an open breaker lets a probe through) when some breaker refused, `NoUpstreamError`
 * otherwise.
 *
 * @example
 * ```ts
 * throw noneEligible(pool.list, call.scope.attempts, clock.now());
 * ```
 */
export function noneEligible(list: readonly Upstream[], attempts: number, now: number): Error {
  const urls = list.map((upstream) => upstream.base);
  if (list.length === 0) return new NoUpstreamError("none configured", attempts, urls);
  let retryAt = Infinity;
  let refused = false;
  for (const upstream of list) {
    const state = upstream.breaker?.state;
    if (state === undefined || state.kind === "closed") continue;
    refused = true;
    if (state.kind === "open") retryAt = Math.min(retryAt, state.until);
  }
  if (refused) {
    return new CircuitOpenError(attempts, urls, Number.isFinite(retryAt) ? retryAt : undefined);
  }
  return new NoUpstreamError(`every upstream is excluded at ${now}`, attempts, urls);
}
