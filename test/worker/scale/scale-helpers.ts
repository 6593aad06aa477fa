import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { HubLoad } from "../../../src/protocol";
import type { HubState } from "../../../worker/model/hub-state";
import type { Bucket } from "../../../worker/model/passive";
import type { HealthHub } from "../../../worker/objects/health-hub";
import { hubOf } from "../helpers";

/** The relay of `service` in `colo`. */
export const relayOf = (service: string, colo: string) =>
  env.RELAY.get(env.RELAY.idFromName(`${service}/${colo}`));

/** Runs the relay's alarm now, if one is set: its flush. Whether it ran. */
export const flushRelay = (service: string, colo: string) =>
  runDurableObjectAlarm(relayOf(service, colo));

/** The service object's request counters (asked by RPC, so not counted in them). */
export async function loadOf(service: string): Promise<HubLoad["requests"] & { relayed: number }> {
  const reply = await hubOf(service).load();
  if (!reply.ok) throw new Error(`load: ${reply.status} ${reply.error}`);
  return { ...reply.value.requests, relayed: reply.value.relayedReports };
}

/** The hub's state, read inside its object. */
export function stateOf<T>(service: string, read: (state: HubState) => T): Promise<T> {
  return runInDurableObject(hubOf(service), (hub: HealthHub) =>
    read((hub as unknown as { state: HubState }).state),
  );
}

/** What the hub has counted for `url` from `colo`, summed over its buckets. */
export function countedAt(service: string, url: string, colo: string) {
  return stateOf(service, (state) => {
    const buckets: Bucket[] = state.upstreams.get(url)?.locations[colo]?.buckets ?? [];
    const sum = { successes: 0, failures: 0, networkErrors: 0, timeouts: 0, latencySum: 0 };
    let latencyCount = 0;
    let latencyMax = 0;
    for (const b of buckets) {
      sum.successes += b.successes;
      sum.failures += b.failures;
      sum.networkErrors += b.networkErrors;
      sum.timeouts += b.timeouts;
      sum.latencySum += b.latencySum;
      latencyCount += b.latencyCount;
      latencyMax = Math.max(latencyMax, b.latencyMax);
    }
    return { ...sum, latencyCount, latencyMax };
  });
}

/** When the relay's flush alarm is set for, or `null`. */
export const relayAlarm = (service: string, colo: string) =>
  runInDurableObject(relayOf(service, colo), (_relay, state) => state.storage.getAlarm());
