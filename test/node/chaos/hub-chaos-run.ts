import type { LocalHub } from "../../../examples/hub-local";
import { type HubSyncEvent, hubSync } from "../../../src/hub/index";
import { createClient } from "../../../src/index";
import { seededRandom } from "../../../src/testing/index";
import { refusedUrl, until } from "../helpers/local-server";
import { ChaosFleet } from "./chaos-fleet";
import { CHAOS_CLIENT, SETTLE_MARGIN_MS } from "./chaos-run";
import { type HubMode, type HubProxy, startHubProxy } from "./hub-proxy";
import { RunWatch } from "./process-watch";
import type { CallTally } from "./run-calls";

/** Hub sync with short intervals and a small queue, so a short run sees many rounds of it. */
export const CHAOS_SYNC = {
  reportInterval: 100,
  refreshInterval: 100,
  firstSync: 100,
  timeout: 500,
  maxBackoff: 1_000,
  maxQueued: 5,
};

/**
 * The client of the hub runs: the chaos client with time limits long enough that healthy
 * upstreams on this loaded machine never reach them, so any error a caller sees is the hub's
 * doing (10,000 calls, 64 at a time beside the hub in workerd and other engineers' benches,
 * saw calls of up to 5 s: 4 of 110,000 hit a 5 s attempt timeout).
 */
export const HUB_CHAOS_CLIENT = { ...CHAOS_CLIENT, timeout: { attempt: 15_000, total: 20_000 } };

/** Callers of a hub run: fewer than a client chaos run's, so the machine's load stays the hub's. */
const HUB_CALLERS = 32;

/** One hub mode's run: what callers saw and what hub sync did. */
export interface HubChaosReport {
  mode: HubMode;
  tally: CallTally;
  /** Hub events by type. */
  events: Record<HubSyncEvent["type"], number>;
  /** Outcomes dropped to keep the report queue bounded. */
  droppedOutcomes: number;
  /** As in a client chaos run (`ChaosReport.heap`). */
  heap: { live: number; liveCalls: number; retained: number };
  durationMs: number;
  problems: string[];
}

/**
 * Calls through a client with `hubSync` to a real local hub behind a proxy that misbehaves
 * as `mode` says (`down`: a hub URL that refuses connections), over three healthy upstreams.
 * Whatever the hub does, callers must see only their upstreams' answers: every call a 200
 * with its own body (or the caller's own abort), in time; nothing left in flight or open
 * afterwards. With the hub healthy, sync must have worked (snapshots applied, reports
 * accepted), or the comparison would mean nothing; after an `outage`, it must resume.
 *
 * @example
 * ```ts
 * const report = await hubChaosRun(hub, "garbage", 1_000, 7);
 * expect(report.problems).toEqual([]);
 * ```
 */
export async function hubChaosRun(
  hub: LocalHub,
  mode: HubMode,
  calls: number,
  seed: number,
): Promise<HubChaosReport> {
  const watch = new RunWatch();
  const started = performance.now();
  const service = `chaos-${mode}`;
  const fleet = await ChaosFleet.start("healthy", seed, { refusing: false });
  await configure(hub, service, fleet.upstreams);
  const proxy: HubProxy | undefined =
    mode === "down" ? undefined : await startHubProxy(hub.url, mode, seed);
  const client = createClient({
    upstreams: fleet.upstreams,
    random: seededRandom(seed),
    ...HUB_CHAOS_CLIENT,
    health: hubSync({
      hub: proxy?.url ?? (await refusedUrl()),
      service,
      token: hub.tokens.report,
      colo: "CHS",
      ...CHAOS_SYNC,
    }),
  });
  const events = { snapshot: 0, report: 0, unreachable: 0, lease: 0, dropped: 0 };
  let droppedOutcomes = 0;
  let lastSnapshotAt = 0;
  client.on("hub", (event) => {
    events[event.type]++;
    if (event.type === "dropped") droppedOutcomes += event.outcomes;
    if (event.type === "snapshot") lastSnapshotAt = event.at;
  });

  const measured = await fleet.run(client, {
    calls,
    seed,
    concurrency: HUB_CALLERS,
    // A fresh client's first calls may wait up to `firstSync` for the hub.
    limitMs: CHAOS_SYNC.firstSync + HUB_CHAOS_CLIENT.timeout.total + SETTLE_MARGIN_MS,
    measure: true,
  });
  // Sync must resume once the hub is back, however soon the calls were over.
  if (mode === "outage") {
    await until(() => lastSnapshotAt >= proxy!.outageEndsAt, 10_000).catch(() => {});
  }
  const problems = await fleet.finish(client, measured.tally, 10_000);
  problems.push(...callerVisible(measured.tally));
  if (mode === "healthy" && (events.snapshot === 0 || events.report === 0)) {
    problems.push(`a healthy hub was never synced with: ${JSON.stringify(events)}`);
  }
  if (mode === "outage" && (events.unreachable === 0 || lastSnapshotAt < proxy!.outageEndsAt)) {
    problems.push(
      `the outage was not met, or sync did not resume after it: ${JSON.stringify(events)}`,
    );
  }
  await proxy?.close();
  const retained = await watch.end(problems);
  return {
    mode,
    tally: measured.tally,
    events,
    droppedOutcomes,
    heap: { ...measured.heap!, retained },
    durationMs: performance.now() - started,
    problems,
  };
}

/** Everything but a 200 or the caller's own abort, as problems: the upstreams are healthy. */
function callerVisible(tally: CallTally): string[] {
  const problems: string[] = [];
  const other = (table: Record<string, number>, allowed: string) =>
    Object.entries(table).filter(([kind]) => kind !== allowed);
  for (const [status, n] of other(tally.statuses, "200"))
    problems.push(`${n} calls answered ${status}`);
  for (const [kind, n] of other(tally.rejections, "caller abort"))
    problems.push(`${n} calls rejected with ${kind}`);
  for (const [kind, n] of other(tally.bodyErrors, "caller abort"))
    problems.push(`${n} bodies failed with ${kind}`);
  return problems;
}

/**
 * Sets the service's upstreams at the hub (admin token). Its own heartbeats are lenient, so
 * that a loaded machine does not make the hub call a healthy upstream down.
 */
async function configure(hub: LocalHub, service: string, upstreams: string[]): Promise<void> {
  const res = await fetch(`${hub.url}/v1/services/${service}/config`, {
    method: "PUT",
    headers: { authorization: `Bearer ${hub.tokens.admin}`, "content-type": "application/json" },
    body: JSON.stringify({
      upstreams,
      heartbeat: { interval: 1_000, timeout: 500, rise: 1, fall: 2 },
    }),
  });
  if (!res.ok) throw new Error(`hub config: ${res.status} ${await res.text()}`);
}
