/**
 * Rejected when no upstream can take an attempt: none configured, or every one is excluded
 * (ejected, reported down, or already tried and not allowed again).
 *
 * @example
 * ```ts
 * catch (error) { if (isResilientError(error, "NoUpstreamError")) alertOnCall(error.message); }
 * ```
 */
export class NoUpstreamError extends Error {
  override readonly name = "NoUpstreamError";
  readonly attempts: number;
  readonly upstreams: readonly string[];

  constructor(
    reason: string,
    attempts: number,
    upstreams: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(`no upstream can take the call: ${reason}`, options);
    this.attempts = attempts;
    this.upstreams = upstreams;
  }
}
