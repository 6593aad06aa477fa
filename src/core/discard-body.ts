/**
 * Cancels the body of a response that will not be returned (a retried 503, a losing hedge),
 * so its connection is released; a failure to cancel is of no interest.
 *
 * @example
 * ```ts
 * if (retrying) discardBody(response);
 * ```
 */
export function discardBody(response: Response | undefined): void {
  response?.body?.cancel().catch(ignore);
}

function ignore(): void {}
