/**
 * What kind of host an upstream URL names, so the hub never heartbeats cloud metadata or
 * link-local services (server-side request forgery), and reaches loopback and private
 * networks only where its environment allows them (local development).
 *
 * Classified by the host as the URL parser leaves it (`new URL(u).hostname`: IPv4 in
 * dotted decimal, IPv6 compressed in brackets, names lower-cased). A DNS name is judged by
 * its text only: the hub cannot resolve names before it fetches, so a public name that
 * resolves to a private address is not caught here (on Cloudflare, Workers cannot reach
 * such addresses anyway).
 */

/**
 * `public`: always allowed. `private`: loopback and private networks, allowed only where
 * the environment says so. `refused`: never (link-local, cloud metadata, unspecified,
 * multicast, reserved, IPv4 written as IPv6); `why` says which.
 */
export type HostKind = { kind: "public" } | { kind: "private" | "refused"; why: string };

const PUBLIC: HostKind = { kind: "public" };
const refused = (why: string): HostKind => ({ kind: "refused", why });
const privately = (why: string): HostKind => ({ kind: "private", why });

/** Names of cloud metadata services (and their legacy aliases). */
const METADATA_NAMES = new Set([
  "metadata",
  "metadata.google.internal",
  "metadata.goog",
  "instance-data",
  "instance-data.ec2.internal",
]);

/** Single cloud metadata and platform addresses outside the link-local range. */
const METADATA_V4 = new Map([
  ["100.100.100.200", "Alibaba Cloud metadata"],
  ["192.0.0.192", "Oracle Cloud metadata"],
  ["168.63.129.16", "Azure platform endpoint"],
]);

/**
 * Classifies a URL's hostname.
 *
 * @example
 * ```ts
 * classifyHost("169.254.169.254"); // { kind: "refused", why: "link-local (169.254.0.0/16, where cloud metadata lives)" }
 * classifyHost("127.0.0.1");       // { kind: "private", why: "loopback" }
 * classifyHost("api.example.com"); // { kind: "public" }
 * ```
 */
export function classifyHost(hostname: string): HostKind {
  if (hostname.startsWith("[")) {
    const groups = parseIPv6(hostname.slice(1, -1));
    return groups ? classifyIPv6(groups) : refused("not an IPv6 address");
  }
  const v4 = parseIPv4(hostname);
  if (v4) return classifyIPv4(v4);
  const name = hostname.toLowerCase().replace(/\.$/, "");
  if (METADATA_NAMES.has(name)) return refused("a cloud metadata service name");
  if (name === "localhost" || name.endsWith(".localhost")) return privately("loopback");
  return PUBLIC;
}

/** Four octets of a dotted-decimal IPv4 address, or `null`. */
export function parseIPv4(text: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  const octets = m.slice(1).map(Number);
  return octets.every((o) => o <= 255) ? octets : null;
}

function classifyIPv4([a, b, c, d]: number[]): HostKind {
  const metadata = METADATA_V4.get(`${a}.${b}.${c}.${d}`);
  if (metadata) return refused(metadata);
  if (a === 169 && b === 254)
    return refused("link-local (169.254.0.0/16, where cloud metadata lives)");
  if (a === 0) return refused("unspecified (0.0.0.0/8)");
  if (a! >= 224) return refused(a! < 240 ? "multicast" : "reserved or broadcast");
  if (a === 127) return privately("loopback");
  if (a === 10 || (a === 172 && b! >= 16 && b! < 32) || (a === 192 && b === 168))
    return privately("a private network (RFC 1918)");
  if (a === 100 && b! >= 64 && b! < 128) return privately("shared address space (100.64.0.0/10)");
  if (a === 198 && (b === 18 || b === 19)) return privately("a benchmarking network");
  if (a === 192 && b === 0 && c === 0) return privately("IETF protocol assignments");
  return PUBLIC;
}

/** Eight 16-bit groups of an IPv6 address in hex notation (as URL serialises it), or `null`. */
function parseIPv6(text: string): number[] | null {
  const halves = text.toLowerCase().split("::");
  if (halves.length > 2) return null;
  const part = (s: string) => (s === "" ? [] : s.split(":"));
  const head = part(halves[0]!);
  const tail = halves.length === 2 ? part(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (!all.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return all.map((g) => Number.parseInt(g, 16));
}

function classifyIPv6(g: number[]): HostKind {
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 8)) return refused("unspecified (::)");
  if (zeros(0, 7) && g[7] === 1) return privately("loopback");
  // ::a.b.c.d, ::ffff:a.b.c.d, ::ffff:0:a.b.c.d and NAT64 64:ff9b::a.b.c.d reach an IPv4
  // address; writing one that way only hides which.
  const embedsV4 =
    (zeros(0, 5) && (g[5] === 0 || g[5] === 0xffff)) ||
    (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) ||
    (g[0] === 0x64 && g[1] === 0xff9b && (zeros(2, 6) || g[2] === 1));
  if (embedsV4) return refused("an IPv4 address written as IPv6");
  if (g[0] === 0xfd00 && g[1] === 0xec2) return refused("AWS metadata (fd00:ec2::/32)");
  if ((g[0]! & 0xffc0) === 0xfe80) return refused("link-local (fe80::/10)");
  if ((g[0]! & 0xff00) === 0xff00) return refused("multicast");
  if ((g[0]! & 0xfe00) === 0xfc00) return privately("a unique local network (fc00::/7)");
  if ((g[0]! & 0xffc0) === 0xfec0) return privately("site-local (fec0::/10)");
  return PUBLIC;
}
