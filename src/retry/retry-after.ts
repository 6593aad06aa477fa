const DELAY_SECONDS = /^\s*(\d+)\s*$/;
// All three HTTP-date forms (IMF-fixdate, RFC 850, asctime) start with a day name; without
// this check `Date.parse` would read "-1" or "1.5" as dates.
const HTTP_DATE = /^\s*[A-Za-z]{3}/;

/**
 * Parses a `Retry-After` header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date, relative
 * to `now` (epoch ms). Returns the wait in ms (a finite whole number ≥ 0; delay-seconds over
 * 2^31 count as 2^31), or `undefined` when absent or invalid.
 *
 * @example
 * ```ts
 * parseRetryAfter("2", now); // → 2000
 * parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", Date.parse("Wed, 21 Oct 2015 07:27:00 GMT")); // → 60000
 * ```
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const seconds = DELAY_SECONDS.exec(value);
  // Larger delay-seconds count as 2^31 s (about 68 years), as RFC 9111 §1.2.2 has caches
  // read an overflowing delta-seconds: a 400-digit value would otherwise be Infinity ms.
  if (seconds !== null) return Math.min(+seconds[1]!, 2 ** 31) * 1000;
  if (!HTTP_DATE.test(value)) return undefined;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
