/**
 * Whether an `If-None-Match` header matches `etag`: a comma-separated list of tags, weak
 * (`W/`) prefixes ignored as RFC 9110 asks for GET, `*` matching any current
 * representation.
 *
 * @example
 * ```ts
 * etagMatches('"7", W/"9"', '"9"'); // true
 * ```
 */
export function etagMatches(header: string, etag: string): boolean {
  for (const raw of header.split(",")) {
    const tag = raw.trim().replace(/^W\//, "");
    if (tag === "*" || tag === etag) return true;
  }
  return false;
}
