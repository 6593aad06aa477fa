import { type ClientOptions, createClient } from "../../../src/index";
import { seededRandom } from "../../../src/testing/index";
import { refusedUrl, until } from "../helpers/local-server";
import { BODY_LIMIT } from "./call-plan";
import { type ChaosMode, type ChaosServer, startChaosServer } from "./chaos-server";
import { Ledger } from "./ledger";
import { type Handles, handles, heapAfterGc, watchUnhandled } from "./process-watch";
import { type CallTally, emptyTally, runCalls } from "./run-calls";

/**
 * The client every chaos run uses: the full pipeline, with limits short enough that hangs
 * end quickly and long enough for this loaded 2-core machine, where a plain `fetch` to a
 * healthy local server takes up to ≈0.5 s at 32 calls in flight.
 */
export const CHAOS_CLIENT = {
  timeout: { attempt: 1_000, total: 2_500 },
  retry: { attempts: 3, backoff: { initial: 5, max: 100 }, bodyLimit: BODY_LIMIT },
  hedge: { delay: { percentile: 0.9, min: 10, max: 200 }, max: 1, budget: 0.2 },
  breaker: { openFor: { initial: 250, max: 2_000 } },
  outlier: { baseEjection: 1_000 },
} satisfies Partial<ClientOptions>;

/** How much later than `timeout.total` a call may settle (see `runCalls`' watchdog). */
export const SETTLE_MARGIN_MS = 250;

/** One mode's run: what callers saw, what servers saw, and every invariant broken. */
export interface ChaosReport {
  mode: ChaosMode;
  seed: number;
  tally: CallTally;
  /** Requests that reached the chaos servers. */
  requests: number;
  /** Requests the client closed before the server finished (lost hedges, timeouts, cancels). */
  abandoned: number;
  events: { retries: number; hedges: number; breakerOpens: number; ejections: number };
  /**
   * Heap in use after a full GC, bytes: `live` is its growth over the last 90% of the calls
   * with the client open (the first 10% warm it up), `liveCalls` those calls; `retained` is
   * after the client and servers are closed, minus before the run.
   */
  heap: { live: number; liveCalls: number; retained: number };
  durationMs: number;
  /** Every invariant broken: the callers' (see `runCalls`) and the run's. */
  problems: string[];
}

/**
 * One seeded chaos run of `calls` calls against upstreams that break as `mode` says (three
 * chaos servers; `refused` and `mix` add a port that refuses connections), then the run's
 * invariants once the client is closed: no unhandled rejection, nothing left in flight, no
 * request a server still holds (every losing hedge, timed-out attempt and cancelled body
 * closed its connection), no POST without a key received twice, every request body intact,
 * and this process's sockets and timers back to where they were.
 *
 * @example
 * ```ts
 * const report = await chaosRun("hang-mid-body", 300, 20261202);
 * expect(report.problems).toEqual([]);
 * ```
 */
export async function chaosRun(mode: ChaosMode, calls: number, seed: number): Promise<ChaosReport> {
  const before = handles();
  const heapBefore = heapAfterGc();
  const unhandled = watchUnhandled();
  const started = performance.now();
  const ledger = new Ledger();
  const servers: ChaosServer[] = [];
  for (let index = 0; index < 3; index++) {
    servers.push(await startChaosServer({ mode, ledger, index, seed }));
  }
  const upstreams = servers.map((server) => server.url);
  if (mode === "refused" || mode === "mix") upstreams.unshift(await refusedUrl());
  // The runtime's HTTP client loads on first use: not inside the first calls' time limits.
  await (await fetch(`${servers[0]!.url}/warm-up`)).arrayBuffer();
  const client = createClient({ upstreams, random: seededRandom(seed), ...CHAOS_CLIENT });
  const events = { retries: 0, hedges: 0, breakerOpens: 0, ejections: 0 };
  client.on("retry", () => events.retries++);
  client.on("hedge", () => events.hedges++);
  client.on("breaker", (event) => {
    if (event.to === "open") events.breakerOpens++;
  });
  client.on("eject", () => events.ejections++);

  const problems: string[] = [];
  const tally = emptyTally();
  const limitMs = CHAOS_CLIENT.timeout.total + SETTLE_MARGIN_MS;
  const warm = Math.ceil(calls / 10);
  let heapWarm: number;
  let heapLive: number;
  try {
    await runCalls(client, { calls: warm, seed, limitMs }, tally);
    heapWarm = heapAfterGc();
    await runCalls(client, { calls: calls - warm, first: warm, seed, limitMs }, tally);
    heapLive = heapAfterGc();
  } finally {
    await client.close();
  }
  problems.push(...tally.problems);
  if (tally.problemCount > tally.problems.length) {
    problems.push(`… ${tally.problemCount - tally.problems.length} more`);
  }
  const stats = client.stats();
  if (stats.inFlight !== 0 || stats.upstreams.some((u) => u.inFlight !== 0)) {
    problems.push(
      `in flight after close(): ${stats.inFlight} calls, ${stats.upstreams.map((u) => u.inFlight)}`,
    );
  }
  // A held request ends only when the client closes its connection: wait for those closes.
  await until(() => ledger.pending().length === 0, 10_000).catch(() => {});
  for (const record of ledger.pending().slice(0, 10)) {
    problems.push(
      `server ${record.server} still holds call ${record.call} (${record.method}, ${record.fault})`,
    );
  }
  for (const [call, times] of ledger.repeated().slice(0, 10)) {
    problems.push(`call ${call} may not be repeated but reached servers ${times} times`);
  }
  for (const record of ledger.alteredBodies().slice(0, 10)) {
    problems.push(`call ${record.call}'s body reached server ${record.server} altered`);
  }
  await Promise.all(servers.map((server) => server.close()));
  await until(() => backTo(before), 10_000).catch(() => {});
  if (!backTo(before)) {
    problems.push(
      `handles after the run ${JSON.stringify(handles())}, before ${JSON.stringify(before)}`,
    );
  }
  for (const reason of unhandled.stop().slice(0, 10)) {
    problems.push(`unhandled rejection: ${String((reason as Error)?.stack ?? reason)}`);
  }
  return {
    mode,
    seed,
    tally,
    requests: ledger.requests,
    abandoned: ledger.abandoned,
    events,
    heap: {
      live: heapLive - heapWarm,
      liveCalls: calls - warm,
      retained: heapAfterGc() - heapBefore,
    },
    durationMs: performance.now() - started,
    problems,
  };
}

function backTo(before: Handles): boolean {
  const now = handles();
  return (
    now.sockets <= before.sockets && now.servers <= before.servers && now.timers <= before.timers
  );
}
