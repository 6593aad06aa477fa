/**
 * Rejected when an attempt failed with an error that would have been retried, but the retry
 * budget (or hedge budget) is spent. `cause` is the failure of the last attempt. A failed
 * *response* is returned instead, as `fetch` would.
 *
 * @example
 * ```ts
 * catch (error) { if (isResilientError(error, "BudgetExhaustedError")) metrics.shed++; }
 * ```
 */
export class BudgetExhaustedError extends Error {
  override readonly name = "BudgetExhaustedError";
  readonly attempts: number;
  readonly upstreams: readonly string[];

  constructor(attempts: number, upstreams: readonly string[], options?: { cause?: unknown }) {
    super(`retry budget exhausted after ${attempts} attempt(s)`, options);
    this.attempts = attempts;
    this.upstreams = upstreams;
  }
}
