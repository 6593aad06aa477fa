/**
 * Rejected when a time limit fires. `limit` says which: the per-attempt timeout or the
 * total deadline of the call. A per-attempt timeout is retried (when attempts and the
 * deadline allow); a total timeout ends the call.
 *
 * @example
 * ```ts
 * try { await client.fetch("/slow"); }
 * catch (error) {
 *   if (isResilientError(error, "TimeoutError")) console.log(error.limit, error.timeoutMs);
 * }
 * ```
 */
export class TimeoutError extends Error {
  override readonly name = "TimeoutError";
  readonly limit: "attempt" | "total";
  readonly timeoutMs: number;
  readonly attempts: number;
  readonly upstreams: readonly string[];

  constructor(
    limit: "attempt" | "total",
    timeoutMs: number,
    attempts: number,
    upstreams: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(
      limit === "attempt"
        ? `attempt ${attempts} timed out after ${timeoutMs} ms (timeout.attempt)`
        : `call timed out after ${timeoutMs} ms and ${attempts} attempt(s) (timeout.total)`,
      options,
    );
    this.limit = limit;
    this.timeoutMs = timeoutMs;
    this.attempts = attempts;
    this.upstreams = upstreams;
  }
}
