/**
 * What {@link CircuitBreaker.admit} hands out: `REJECT` (0) when the call must not go, or an
 * opaque positive number to pass back to `record`/`release`. The number carries the
 * breaker's generation, so a call that outlives a state change (a probe of an earlier
 * half-open round, a call admitted before the breaker opened) cannot skew the new state.
 *
 * @example
 * ```ts
 * const permit: Permit = breaker.admit(now);
 * if (permit === REJECT) throw new CircuitOpenError(upstream);
 * ```
 */
export type Permit = number;

/** The call is refused. */
export const REJECT = 0;
/** A normal call through a closed breaker. */
export const ADMIT = 1;
/** A half-open probe: its outcome decides whether the breaker closes or reopens. */
export const PROBE = 2;

/**
 * What kind of permit this is: `REJECT`, `ADMIT` or `PROBE`.
 *
 * @example
 * ```ts
 * if (permitKind(permit) === PROBE) emit("breaker", { probe: true });
 * ```
 */
export function permitKind(permit: Permit): typeof REJECT | typeof ADMIT | typeof PROBE {
  return (permit % 4) as typeof REJECT | typeof ADMIT | typeof PROBE;
}
