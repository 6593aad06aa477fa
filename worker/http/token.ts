/**
 * Bearer token checking, without Cloudflare or Hono imports: which scope a presented token
 * grants, compared in constant time with the configured secrets.
 */

/** What a bearer token may do; each scope includes the ones before it. */
export type Scope = "read" | "report" | "admin";

/** The three secrets (Worker secrets in production); an unset one grants nothing. */
export interface TokenSecrets {
  HUB_READ_TOKEN?: string;
  HUB_REPORT_TOKEN?: string;
  HUB_ADMIN_TOKEN?: string;
}

/** Longest token accepted; every comparison runs over this many bytes. */
export const MAX_TOKEN = 512;
/** An `Authorization` header with a token of 1–512 printable ASCII characters. */
export const BEARER = new RegExp(`^Bearer[ \\t]+([!-~]{1,${MAX_TOKEN}})[ \\t]*$`, "i");

const encoder = new TextEncoder();
/**
 * One configured secret, padded to {@link MAX_TOKEN} bytes. A secret that no bearer token
 * can spell (empty, longer than the limit, or outside printable ASCII) is `null`.
 */
type Secret = { bytes: Uint8Array; length: number } | null;
// Per isolate, keyed by the secret itself (rotating a secret deploys a new isolate anyway).
const secrets = new Map<string, Secret>();
// The presented token is encoded into this buffer; the comparison is synchronous, so one
// buffer serves every request.
const presented = new Uint8Array(MAX_TOKEN);

/**
 * The scope `token` grants, or `null`. The token is compared with all three secrets, each
 * over the full {@link MAX_TOKEN} bytes (zero-padded) with no early exit and the lengths
 * folded into the result, so timing tells nothing about which secret (or how much of one,
 * or its length) matched. The padded secrets are prepared once per isolate; a call costs
 * three fixed-length loops and no hashing. `token` is what {@link BEARER} accepts.
 *
 * @example
 * ```ts
 * scopeOf("s3cret", { HUB_READ_TOKEN: "s3cret" }); // "read"
 * ```
 */
export function scopeOf(token: string, env: TokenSecrets): Scope | null {
  presented.fill(0);
  const { written } = encoder.encodeInto(token, presented);
  const isAdmin = matches(written, secretOf(env.HUB_ADMIN_TOKEN));
  const isReport = matches(written, secretOf(env.HUB_REPORT_TOKEN));
  const isRead = matches(written, secretOf(env.HUB_READ_TOKEN));
  if (isAdmin) return "admin";
  if (isReport) return "report";
  if (isRead) return "read";
  return null;
}

function secretOf(value: string | undefined): Secret {
  if (!value) return null;
  let secret = secrets.get(value);
  if (secret === undefined) {
    secret = /^[!-~]+$/.test(value) && value.length <= MAX_TOKEN ? pad(value) : null;
    secrets.set(value, secret);
  }
  return secret;
}

function pad(value: string): { bytes: Uint8Array; length: number } {
  const bytes = new Uint8Array(MAX_TOKEN);
  encoder.encodeInto(value, bytes);
  return { bytes, length: value.length };
}

/**
 * Compares the presented bytes (`length` of them, zero-padded) with a secret over all
 * {@link MAX_TOKEN} bytes without an early exit. An unusable secret still costs the loop.
 */
function matches(length: number, secret: Secret): boolean {
  const bytes = secret?.bytes ?? presented;
  let diff = secret === null ? 1 : length ^ secret.length;
  for (let i = 0; i < MAX_TOKEN; i++) diff |= presented[i]! ^ bytes[i]!;
  return diff === 0;
}
