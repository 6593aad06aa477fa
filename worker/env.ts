import type { Scope } from "./http/token";
import type { HealthHub } from "./objects/health-hub";

export type { Scope };

/**
 * The hub Worker's bindings: the Durable Object namespace from `wrangler.toml` and the
 * three bearer tokens, set as secrets (`wrangler secret put HUB_ADMIN_TOKEN`) or, locally,
 * in `.dev.vars`. An unset token grants nothing.
 *
 * @example
 * ```ts
 * const stub = env.HUB.get(env.HUB.idFromName("payments"));
 * ```
 */
export interface Env {
  HUB: DurableObjectNamespace<HealthHub>;
  HUB_READ_TOKEN?: string;
  HUB_REPORT_TOKEN?: string;
  HUB_ADMIN_TOKEN?: string;
  /**
   * `"true"` lets upstreams be loopback or private addresses (local development and tests;
   * `wrangler.toml` sets `"false"`). Link-local and cloud metadata addresses are refused
   * whatever it says.
   */
  ALLOW_PRIVATE_UPSTREAMS?: string;
}

/**
 * Hono's environment for the hub app.
 *
 * @example
 * ```ts
 * const app = new Hono<HubBindings>();
 * ```
 */
export type HubBindings = { Bindings: Env; Variables: { scope: Scope } };
