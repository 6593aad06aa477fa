import { NEVER, number, string, union } from "zod";

/**
 * The Worker vars the location layer reads (`[vars]` in wrangler.toml, or `.dev.vars`).
 *
 * @example
 * ```ts
 * const vars: LocationVars = { HUB_RELAY_FLUSH_MS: "500" };
 * ```
 */
export interface LocationVars {
  HUB_SNAPSHOT_CACHE_MS?: string | number;
  HUB_RELAY_FLUSH_MS?: string | number;
}

/**
 * How much a location may hold back from the service's object (docs/scale.md).
 *
 * @example
 * ```ts
 * const { snapshotCacheMs } = locationSettings(env);
 * ```
 */
export interface LocationSettings {
  /**
   * How long a location serves its copy of the snapshot before it revalidates it with the
   * object (by ETag); 0 sends every read to the object, probe lease asks included.
   * At most 60 s.
   * @default 1_000
   */
  snapshotCacheMs: number;
  /**
   * How long a location's relay merges reports before it writes them to the object in
   * one batch; 0 sends every report straight to the object. Above 5 s, out-of-rotation
   * states lapse between flushes (the hub forgets them 10 s after a location's last
   * report). At most 60 s.
   * @default 1_000
   */
  relayFlushMs: number;
}

const DEFAULT_MS = 1_000;
// `[vars]` in wrangler.toml may hold a number or a string; `.dev.vars` always a string.
const msSetting = (name: string) =>
  union([number(), string()])
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === "") return DEFAULT_MS;
      const ms = Number(raw);
      if (Number.isInteger(ms) && ms >= 0 && ms <= 60_000) return ms;
      const message = `${name} must be a whole number of ms in [0, 60000], got ${JSON.stringify(raw)}`;
      ctx.addIssue({ code: "custom", message });
      return NEVER;
    });
const cacheMs = msSetting("HUB_SNAPSHOT_CACHE_MS");
const flushMs = msSetting("HUB_RELAY_FLUSH_MS");
const resolved = new WeakMap<object, LocationSettings>();

/**
 * The location layer's settings from the Worker's vars, checked once per isolate and
 * `env`. Throws a `RangeError` naming the var when one is not a whole number of ms in
 * [0, 60000].
 *
 * @example
 * ```ts
 * locationSettings({ HUB_RELAY_FLUSH_MS: "0" } as Env).relayFlushMs; // 0: relays off
 * ```
 */
export function locationSettings(env: LocationVars): LocationSettings {
  let settings = resolved.get(env);
  if (settings === undefined) {
    const cache = cacheMs.safeParse(env.HUB_SNAPSHOT_CACHE_MS);
    const flush = flushMs.safeParse(env.HUB_RELAY_FLUSH_MS);
    const error = cache.error ?? flush.error;
    if (error) throw new RangeError(error.issues[0]!.message, { cause: error });
    settings = { snapshotCacheMs: cache.data!, relayFlushMs: flush.data! };
    resolved.set(env, settings);
  }
  return settings;
}
