import type { MiddlewareHandler } from "hono";
import type { HubBindings, Scope } from "../env";
import { jsonError } from "./errors";
import { BEARER, scopeOf } from "./token";

const RANK: Record<Scope, number> = { read: 1, report: 2, admin: 3 };

/**
 * Requires a bearer token with at least `scope` (admin ⊇ report ⊇ read): no or unknown
 * token → 401, a known token with too little scope → 403. Tokens are compared in constant
 * time with all three secrets (see `scopeOf`), so timing tells nothing about which one (or
 * how much of one) matched.
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
