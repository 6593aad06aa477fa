/**
 * What one attempt ended with, as the guard sees it: either a response status, or an error
 * together with whether the caller (not the upstream) caused it by aborting.
 *
 * Attempt timeouts are errors whose `name` is `"TimeoutError"` (see {@link isTimeoutError}).
 *
 * @example
 * ```ts
 * const outcome: AttemptOutcome = { status: 503 };
 * const failed: AttemptOutcome = { error: new TypeError("fetch failed"), callerAborted: false };
 * ```
 */
export type AttemptOutcome =
  | { status: number; error?: undefined }
  | { status?: undefined; error: unknown; callerAborted: boolean };

/**
 * How an attempt counts for an upstream's health: `"ignore"` means it says nothing about
 * the upstream (the caller gave up) and is left out of every count.
 *
 * @example
 * ```ts
 * const c: Classification = classify({ status: 200 }); // "success"
 * ```
 */
export type Classification = "success" | "failure" | "ignore";

/**
 * A user-supplied replacement for {@link classify}.
 *
 * @example
 * ```ts
 * const lenient: Classifier = (o) => (o.status === 503 ? "ignore" : classify(o));
 * ```
 */
export type Classifier = (outcome: AttemptOutcome) => Classification;

/**
 * The default classification, kept apart from counting so breakers, outlier detection and
 * stats agree on what a failure is:
 *
 * | outcome | classification |
 * |---|---|
 * | status 5xx (and anything >= 500) | failure |
 * | status 408, 429 (the upstream is overloaded or too slow) | failure |
 * | any other status, including other 4xx and an opaque `0` | success: the upstream answered |
 * | network error, attempt timeout | failure |
 * | the caller aborted | ignore |
 *
 * @example
 * ```ts
 * classify({ status: 404 }); // "success"
 * classify({ status: 429 }); // "failure"
 * classify({ error: reason, callerAborted: true }); // "ignore"
 * ```
 */
export function classify(outcome: AttemptOutcome): Classification {
  const status = outcome.status;
  if (status !== undefined) {
    return status >= 500 || status === 408 || status === 429 ? "failure" : "success";
  }
  return outcome.callerAborted ? "ignore" : "failure";
}

/**
 * Whether an attempt's error is a timeout (`name === "TimeoutError"`); checked by name so it
 * also holds across realms and for `DOMException`s from `AbortSignal.timeout()`.
 *
 * @example
 * ```ts
 * const ignoreTimeouts: Classifier = (o) =>
 *   o.status === undefined && isTimeoutError(o.error) ? "ignore" : classify(o);
 * ```
 */
export function isTimeoutError(error: unknown): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as { name?: unknown }).name === "TimeoutError"
  );
}
