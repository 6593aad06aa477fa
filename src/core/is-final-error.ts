/** Errors that end a call at once: another attempt cannot help, or is not allowed. */
const FINAL_ERRORS = new Set([
  "CircuitOpenError",
  "NoUpstreamError",
  "BudgetExhaustedError",
  "AbortError",
]);

/**
 * Whether an attempt's error ends the whole call rather than being worth another attempt:
 * our own refusals (open circuits, no upstream, a spent budget), an abort, and the call's
 * total timeout (an attempt timeout is retryable). Judged by `name`, so it works across
 * realms and bundles.
 *
 * @example
 * ```ts
 * if (scope.callerAborted || isFinalError(error)) throw error;
 * ```
 */
export function isFinalError(error: unknown): boolean {
  const name = (error as { name?: unknown } | null | undefined)?.name;
  return name === "TimeoutError"
    ? (error as { limit?: unknown }).limit === "total"
    : typeof name === "string" && FINAL_ERRORS.has(name);
}
