import type { MiddlewareHandler } from "hono";
import type { Env, HubBindings, Scope } from "./env";
import { jsonError } from "./errors";

const RANK: Record<Scope, number> = { read: 1, report: 2, admin: 3 };
/** Longest token accepted; every comparison runs over this many bytes. */
const MAX_TOKEN = 512;
const BEARER = /^Bearer[ \t]+([!-~]{1,512})[ \t]*$/i;
const encoder = new TextEncoder();

/**
 * One configured secret, padded to {@link MAX_TOKEN} bytes. A secret that no bearer token
 * can spell (empty, longer than the limit, or outside printable ASCII) is `null`.
 */
type Secret = { bytes: Uint8Array; length: number } | null;
// Per isolate, keyed by the secret itself (rotating a secret deploys a new isolate anyway).
const secrets = new Map<string, Secret>();
// The presented token is encoded into this buffer; the Worker runs one request at a time
// through the synchronous comparison, so one buffer serves them all.
const presented = new Uint8Array(MAX_TOKEN);

/**
 * Requires a bearer token with at least `scope` (admin ⊇ report ⊇ read): no or unknown
 * token → 401, a known token with too little scope → 403. The token is compared with all
 * three secrets, each over the full {@link MAX_TOKEN} bytes (zero-padded) with no early
 * exit and the lengths folded into the result, so timing tells nothing about which secret
 * (or how much of one, or its length) matched. The padded secrets are prepared once per
 * isolate; a request costs three fixed-length loops and no hashing.
 *
 * @example
 * ```ts
 * app.put("/v1/services/:service/config", requireScope("admin"), handler);
 * ```
 */
export function requireScope(scope: Scope): MiddlewareHandler<HubBindings> {
  const needed = RANK[scope];
  return async function auth(c, next) {
    const match = BEARER.exec(c.req.header("authorization") ?? "");
    const challenge = { "WWW-Authenticate": 'Bearer realm="health-hub"' };
    if (!match) return jsonError(c, 401, "missing bearer token", undefined, challenge);
    const granted = scopeOf(match[1]!, c.env);
    if (granted === null) return jsonError(c, 401, "invalid bearer token", undefined, challenge);
    if (RANK[granted] < needed) return jsonError(c, 403, `token lacks the ${scope} scope`);
    c.set("scope", granted);
    await next();
  };
}

/**
 * Whether a granted scope includes `scope`.
 *
 * @example
 * ```ts
 * if (allows(c.get("scope"), "report")) grantLease();
 * ```
 */
export function allows(granted: Scope, scope: Scope): boolean {
  return RANK[granted] >= RANK[scope];
}

/**
 * The scope `token` grants under `env`'s secrets, or `null`. `token` must be what the
 * bearer pattern accepts: 1–512 printable ASCII characters.
 *
 * @example
 * ```ts
 * scopeOf("s3cret", { HUB_READ_TOKEN: "s3cret" } as Env); // "read"
 * ```
 */
export function scopeOf(token: string, env: Omit<Env, "HUB">): Scope | null {
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
