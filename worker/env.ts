import type { Scope } from "./http/token";
import type { HealthHub } from "./objects/health-hub";
import type { HubRelay } from "./objects/hub-relay";

export { type LocationSettings, locationSettings } from "./model/location-settings";
export type { Scope };

/**
 * The hub Worker's bindings: the Durable Object namespaces from `wrangler.toml`, the three
 * bearer tokens, set as secrets (`wrangler secret put HUB_ADMIN_TOKEN`) or, locally, in
 * `.dev.vars`, and the location layer's two intervals (`[vars]`, optional). An unset token
 * grants nothing.
 *
 * @example
 * ```ts
 * const stub = env.HUB.get(env.HUB.idFromName("payments"));
 * ```
 */
export interface Env {
  /** One `HealthHub` per service. */
  HUB: DurableObjectNamespace<HealthHub>;
  /** One `HubRelay` per service and location. */
  RELAY: DurableObjectNamespace<HubRelay>;
  HUB_READ_TOKEN?: string;
  HUB_REPORT_TOKEN?: string;
  HUB_ADMIN_TOKEN?: string;
  /** See `LocationSettings.snapshotCacheMs`. @default "1000" */
  HUB_SNAPSHOT_CACHE_MS?: string | number;
  /** See `LocationSettings.relayFlushMs`. @default "1000" */
  HUB_RELAY_FLUSH_MS?: string | number;
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
