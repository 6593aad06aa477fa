const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);

/**
 * Whether a request may be sent more than once: an idempotent method (RFC 9110 §9.2.2), an
 * `Idempotency-Key` header (the IETF draft that Stripe and others follow), or the caller's
 * explicit opt-in. Retries and hedges are only ever made for such requests.
 *
 * @example
 * ```ts
 * isIdempotent("POST", { "Idempotency-Key": "8e03…" }, undefined); // → true
 * isIdempotent("POST", undefined, undefined); // → false
 * ```
 */
export function isIdempotent(
  method: string,
  headers: HeadersInit | undefined,
  optIn: boolean | undefined,
): boolean {
  if (optIn !== undefined) return optIn;
  if (IDEMPOTENT_METHODS.has(method)) return true;
  return headers !== undefined && hasHeader(headers, "idempotency-key");
}

function hasHeader(headers: HeadersInit, lowerName: string): boolean {
  const names =
    headers instanceof Headers
      ? headers.keys()
      : Array.isArray(headers)
        ? headers.map(([name]) => name)
        : Object.keys(headers);
  for (const name of names) if (name?.toLowerCase() === lowerName) return true;
  return false;
}
