import type { MiddlewareHandler } from "hono";
import type { Env, HubBindings, Scope } from "./env";
import { jsonError } from "./errors";

const RANK: Record<Scope, number> = { read: 1, report: 2, admin: 3 };
const BEARER = /^Bearer[ \t]+([!-~]{1,512})[ \t]*$/i;
const encoder = new TextEncoder();
// Digests of the configured secrets, keyed by the secret itself (isolate-wide; rotating a
// secret deploys a new isolate anyway).
const digests = new Map<string, Promise<Uint8Array>>();

/**
 * Requires a bearer token with at least `scope` (admin ⊇ report ⊇ read): no or unknown
 * token → 401, a known token with too little scope → 403. Tokens are compared as SHA-256
 * digests with a constant-time loop, and all three are always compared, so timing tells
 * nothing about which one (or how much of one) matched.
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
    const granted = await scopeOf(match[1]!, c.env);
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

async function scopeOf(token: string, env: Env): Promise<Scope | null> {
  const presented = await sha256(token);
  const [admin, report, read] = await Promise.all([
    secretDigest(env.HUB_ADMIN_TOKEN),
    secretDigest(env.HUB_REPORT_TOKEN),
    secretDigest(env.HUB_READ_TOKEN),
  ]);
  const isAdmin = admin !== null && equal(presented, admin);
  const isReport = report !== null && equal(presented, report);
  const isRead = read !== null && equal(presented, read);
  if (isAdmin) return "admin";
  if (isReport) return "report";
  if (isRead) return "read";
  return null;
}

function secretDigest(secret: string | undefined): Promise<Uint8Array> | null {
  if (!secret) return null;
  let digest = digests.get(secret);
  if (!digest) {
    digest = sha256(secret);
    digests.set(secret, digest);
  }
  return digest;
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

/** Compares two 32-byte digests without an early exit. */
function equal(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ (b[i] ?? 0);
  return diff === 0;
}
