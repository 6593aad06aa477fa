/**
 * Upstream URLs and health paths, checked so the hub can only ever probe what an admin
 * configured: http(s) only, no credentials, query or fragment, and a health path that is
 * appended to the upstream's URL and cannot leave its origin.
 */

/** A health path: absolute, not protocol-relative, URL-safe characters only. */
const HEALTH_PATH = /^\/(?!\/)[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$/;

/**
 * The canonical form of an upstream URL (`origin + path` without a trailing slash), or an
 * error message saying what is wrong with it.
 *
 * @example
 * ```ts
 * normalizeUpstreamUrl("https://A.internal/api/"); // { url: "https://a.internal/api" }
 * normalizeUpstreamUrl("ftp://x");                 // { error: "only http(s) URLs are allowed" }
 * ```
 */
export function normalizeUpstreamUrl(input: string): { url: string } | { error: string } {
  let parsed: URL;
  try {
    parsed = new URL(input);
  } catch {
    return { error: "not a valid absolute URL" };
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    return { error: "only http(s) URLs are allowed" };
  }
  if (parsed.username !== "" || parsed.password !== "") {
    return { error: "credentials are not allowed in URLs" };
  }
  if (parsed.hash !== "" || input.includes("#")) return { error: "fragments are not allowed" };
  if (parsed.search !== "" || input.includes("?"))
    return { error: "query strings are not allowed" };
  const path = parsed.pathname.replace(/\/+$/, "");
  return { url: `${parsed.origin}${path}` };
}

/**
 * Whether `path` is an acceptable health path.
 *
 * @example
 * ```ts
 * isHealthPath("/healthz");        // true
 * isHealthPath("//evil.example");  // false
 * ```
 */
export function isHealthPath(path: string): boolean {
  return HEALTH_PATH.test(path);
}

/**
 * The URL the hub (or a leased client) probes: the health path appended to the upstream's
 * (normalised) URL; `"/"` probes the URL itself. Throws if the result would leave the
 * upstream's origin, which validation already rules out.
 *
 * @example
 * ```ts
 * probeUrlOf("https://a.internal/api", "/healthz"); // "https://a.internal/api/healthz"
 * probeUrlOf("https://a.internal", "/");            // "https://a.internal/"
 * ```
 */
export function probeUrlOf(url: string, healthPath: string): string {
  const base = new URL(url);
  const probe = new URL(healthPath === "/" ? url : `${url}${healthPath}`);
  if (probe.origin !== base.origin)
    throw new RangeError(`health path ${healthPath} leaves ${base.origin}`);
  return probe.href;
}
