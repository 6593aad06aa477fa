import { classifyHost, parseIPv4 } from "./address";

/**
 * Upstream URLs and health paths, checked so the hub can only ever probe what an admin
 * configured: http(s) only, no credentials, query or fragment; never a link-local, cloud
 * metadata or otherwise refused address, nor an IPv4 address in any form but dotted decimal;
 * loopback and private networks only where the environment allows them; and a health path
 * that is appended to the upstream's URL and cannot leave its origin.
 */

/** A health path: absolute, not protocol-relative, URL-safe characters only. */
const HEALTH_PATH = /^\/(?!\/)[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$/;

/**
 * The canonical form of an upstream URL (`origin + path` without a trailing slash), or an
 * error message saying what is wrong with it. Loopback and private hosts pass here; whether
 * they are allowed depends on the environment ({@link privateUpstreamError}).
 *
 * @example
 * ```ts
 * normalizeUpstreamUrl("https://A.internal/api/");  // { url: "https://a.internal/api" }
 * normalizeUpstreamUrl("ftp://x");                  // { error: "only http(s) URLs are allowed" }
 * normalizeUpstreamUrl("http://0xa9fea9fe/latest"); // { error: "IPv4 addresses must be written in dotted decimal …" }
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
  if (parseIPv4(parsed.hostname) && rawHost(input) !== parsed.hostname) {
    return {
      error: `IPv4 addresses must be written in dotted decimal (${parsed.hostname}), not as hex, octal, integer, short or encoded forms`,
    };
  }
  const host = classifyHost(parsed.hostname);
  if (host.kind === "refused") {
    return { error: `${parsed.hostname} is ${host.why}: the hub never probes it` };
  }
  const path = parsed.pathname.replace(/\/+$/, "");
  return { url: `${parsed.origin}${path}` };
}

/**
 * Why a (normalised) upstream URL may not be used where private hosts are not allowed, or
 * `null` when it may.
 *
 * @example
 * ```ts
 * privateUpstreamError("http://127.0.0.1:8080", false); // "127.0.0.1 is loopback: …"
 * privateUpstreamError("http://127.0.0.1:8080", true);  // null
 * ```
 */
export function privateUpstreamError(url: string, allowPrivate: boolean): string | null {
  if (allowPrivate) return null;
  const { hostname } = new URL(url);
  const host = classifyHost(hostname);
  if (host.kind === "public") return null;
  return `${hostname} is ${host.why}: allowed only with ALLOW_PRIVATE_UPSTREAMS=true (local development)`;
}

/**
 * Whether the hub's environment allows loopback and private upstreams: only when
 * `ALLOW_PRIVATE_UPSTREAMS` is `"true"` (set for local development and tests; off in the
 * deployed hub).
 *
 * @example
 * ```ts
 * allowsPrivateUpstreams(env); // false unless env.ALLOW_PRIVATE_UPSTREAMS === "true"
 * ```
 */
export function allowsPrivateUpstreams(env: { ALLOW_PRIVATE_UPSTREAMS?: string }): boolean {
  const flag: string | undefined = env.ALLOW_PRIVATE_UPSTREAMS;
  return flag === "true";
}

/**
 * The host as written in an absolute http(s) URL (lower-cased, port and any userinfo
 * dropped), before the URL parser reads hex, octal, integer or percent-encoded IPv4 forms
 * as an address. The parser ignores tabs and newlines and trims spaces; so does this.
 */
function rawHost(input: string): string {
  const text = input.replace(/[\t\n\r]/g, "").trim();
  const rest = text.slice(text.indexOf(":") + 1).replace(/^[/\\]*/, "");
  const authority = /^[^/\\?#]*/.exec(rest)![0];
  const host = authority.slice(authority.lastIndexOf("@") + 1);
  const end = host.startsWith("[") ? host.indexOf("]") + 1 : host.indexOf(":");
  return (end > 0 ? host.slice(0, end) : host).toLowerCase();
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
