/**
 * Rejected when every upstream that could take the call has its circuit breaker open (or
 * isolated), so no attempt was made. Fails fast instead of queueing behind a known outage.
 *
 * @example
 * ```ts
 * catch (error) { if (isResilientError(error, "CircuitOpenError")) serveFromCache(); }
 * ```
 */
export class CircuitOpenError extends Error {
  override readonly name = "CircuitOpenError";
  readonly attempts: number;
  readonly upstreams: readonly string[];
  /** Earliest time (clock ms) at which a breaker will let a probe through, if known. */
  readonly retryAt: number | undefined;

  constructor(
    attempts: number,
    upstreams: readonly string[],
    retryAt: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      `circuit open for every eligible upstream (${upstreams.join(", ") || "none"}) after ${attempts} attempt(s)`,
      options,
    );
    this.attempts = attempts;
    this.upstreams = upstreams;
    this.retryAt = retryAt;
  }
}
