import type { LocationSettings } from "../model/location-settings";
import type { Refusal } from "../objects/hub-rpc";
import { objectOf, relayName } from "./objects";
import type { ReportBody } from "./schemas";

/**
 * Sends one validated report batch on its way: passive entries to the location's relay,
 * which merges them with its other clients' and writes them to the service's object once
 * per flush; heartbeat results under a probe lease straight to the object, which alone
 * checks the lease (one per location per interval, and a verdict may hang on it). With
 * relays off, or when the relay cannot be reached, the batch goes straight to the object.
 * Returns the hub's version as the acknowledgement names it, or a refusal.
 *
 * @example
 * ```ts
 * const reply = await routeReport(env, locationSettings(env), "payments", "AMS", batch);
 * ```
 */
export async function routeReport(
  env: Env,
  settings: LocationSettings,
  service: string,
  colo: string,
  batch: ReportBody,
): Promise<number | Refusal> {
  const entries = batch.upstreams;
  if (settings.relayFlushMs > 0 && batch.heartbeats === undefined && entries?.length) {
    try {
      return await objectOf(env.RELAY, relayName(service, colo)).add(service, colo, entries);
    } catch (err) {
      console.error("hub: relay unreachable, reporting to the service's object", err);
    }
  }
  return objectOf(env.HUB, service).report(colo, batch);
}
