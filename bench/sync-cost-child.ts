/**
 * One client of `npm run bench:sync`'s cost rows, in a process of its own so that its CPU
 * time is only its own: ~50 calls a second to an in-memory transport, with hubSync on or off.
 * The first 2 s are a warm-up (Node's `fetch` loads and compiles on first use, the first
 * snapshot and lease arrive); then `ms` are measured, and `close()` with them. Prints one
 * JSON line: CPU time (µs), calls, and the hub events of the measured part.
 *
 * Mode `fetch` measures, for scale, one plain `fetch` of the hub's `/healthz` (50 of them,
 * 20 ms apart, after the same warm-up fetch).
 *
 *   node --import tsx bench/sync-cost-child.ts on|off|fetch <hubUrl> <service> <token> <ms> <upstreams,…>
 */
import type { HubSyncEvent } from "../src/hub/index";
import { createClient } from "../src/index";
import { drive, sleep, syncClient } from "./sync-kit";

const [mode, hub, service, token, ms, list] = process.argv.slice(2) as string[] & { length: 6 };
// Both modes load fetch first, so that neither pays for it in the measured part.
await (await fetch(`${hub}/healthz`)).arrayBuffer();
if (mode === "fetch") {
  const started = process.cpuUsage();
  for (let i = 0; i < 50; i++) {
    await (await fetch(`${hub}/healthz`)).arrayBuffer();
    await sleep(20);
  }
  const used = process.cpuUsage(started);
  console.log(JSON.stringify({ cpu: used.user + used.system, calls: 50 }));
  process.exit(0);
}
const upstreams = list!.split(",");
const shared = new Response(null, { status: 200 });
const memory = async () => shared;
const events: HubSyncEvent[] = [];
const client =
  mode === "on"
    ? syncClient(upstreams, { hub: hub!, service: service!, token: token! }, { fetch: memory })
    : { client: createClient({ upstreams, retry: false, fetch: memory }), events };
const calls = drive(client.client, "/api", 20);
await sleep(2_000);
const warm = calls.count();
const from = client.events.length;
const started = process.cpuUsage();
await sleep(Number(ms));
const { latencies } = await calls.stop();
await client.client.close();
const used = process.cpuUsage(started);
const measured = client.events.slice(from);
const of = (type: HubSyncEvent["type"]) => measured.filter((e) => e.type === type);
console.log(
  JSON.stringify({
    cpu: used.user + used.system,
    calls: latencies.length - warm,
    reports: of("report").length,
    bytes: of("report").reduce((sum, e) => sum + (e.type === "report" ? e.bytes : 0), 0),
    snapshots: of("snapshot").length,
    notModified: of("snapshot").filter((e) => e.type === "snapshot" && e.notModified).length,
    leases: of("lease").length,
  }),
);
