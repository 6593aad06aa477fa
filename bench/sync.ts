/**
 * Hub sync (issue 11), against the real hub Worker (workerd through Miniflare, local SQLite
 * Durable Objects) and real upstream servers on 127.0.0.1, with default intervals:
 *
 * 1. propagation: client A (colo AAA) calls upstream X, which answers 503; how long from
 *    A's first failure until the hub's verdict is down, and until client B (colo BBB, already
 *    running, making no calls to X) has stopped sending to X;
 * 2. drain: how long from the hub's config change until the last call reaches the drained
 *    upstream, for a client calling 50 times a second;
 * 3. cost: report bytes and hub requests per client per minute at 50 calls/s;
 * 4. the hub stopped, slow (5 s), answering 500 or invalid JSON: callers' errors and p99, side
 *    by side with sync off;
 * 5. CPU per call added by sync, over an in-memory transport (sync's own requests included).
 *
 *   npm run bench:sync            RUNS=5 (propagation and drain runs), COST_MS=15000 (per cost
 *                                 run), SECTIONS=propagation,drain,cost,broken,cpu
 *
 * Not part of `npm test`.
 */
import { execFile } from "node:child_process";
import { type LocalHub, startLocalHub } from "../examples/hub-local";
import { type Client, createClient } from "../src/index";
import {
  brokenHub,
  configure,
  drive,
  globalVerdict,
  percentile as p,
  put,
  serve,
  sleep,
  syncClient,
} from "./sync-kit";
import { fmt, median, printTable } from "./table";

const RUNS = Number(process.env.RUNS ?? 5);
const COST_MS = Number(process.env.COST_MS ?? 15_000);
const COST_RUNS = 3;

async function propagation(hub: LocalHub) {
  const rows: Array<Array<string | number>> = [];
  for (let run = 1; run <= RUNS; run++) {
    const [x, y] = await Promise.all([serve(503), serve()]);
    const service = await configure(hub, [{ url: x.url, healthPath: "/health" }, y.url]);
    const sync = { hub: hub.url, service, token: hub.tokens.report };
    const b = syncClient([x.url, y.url], { ...sync, colo: "BBB" });
    // B is up and synced, the hub's heartbeats see X up; A starts anywhere in B's refresh cycle.
    await sleep(2_000 + Math.random() * 2_000);
    const a = syncClient([x.url, y.url], { ...sync, colo: "AAA" });
    const firstFailure = performance.now();
    const calls = drive(a.client, `${x.url}/api`, 20);
    let hubDown = Number.NaN;
    let bAvoids = Number.NaN;
    while (Number.isNaN(bAvoids) && performance.now() - firstFailure < 15_000) {
      if (Number.isNaN(hubDown) && (await globalVerdict(hub, service)) === "down")
        hubDown = performance.now() - firstFailure;
      if (b.client.stats().upstreams[0]!.hub?.gate === "down")
        bAvoids = performance.now() - firstFailure;
      await sleep(10);
    }
    await calls.stop();
    rows.push([run, fmt(hubDown, 0), fmt(bAvoids, 0)]);
    await Promise.all([a.client.close(), b.client.close()]);
    await Promise.all([x.close(), y.close()]);
  }
  return rows;
}

async function drain(hub: LocalHub) {
  const rows: Array<Array<string | number>> = [];
  for (let run = 1; run <= RUNS; run++) {
    const [x, y] = await Promise.all([serve(), serve()]);
    const upstreams = [
      { url: x.url, healthPath: "/health" },
      { url: y.url, healthPath: "/health" },
    ];
    const service = await configure(hub, upstreams);
    // Round robin: half the calls go to X until the drain reaches the client.
    const c = syncClient(
      [x.url, y.url],
      { hub: hub.url, service, token: hub.tokens.report },
      { balancer: "round-robin" },
    );
    const calls = drive(c.client, "/api", 20);
    await sleep(2_000 + Math.random() * 2_000); // anywhere in the refresh cycle
    const changed = performance.now();
    await put(hub, service, [{ ...upstreams[0], drain: true }, upstreams[1]]);
    await sleep(5_000);
    const before = x.calls;
    await sleep(1_000);
    await calls.stop();
    rows.push([run, fmt(x.lastCallAt - changed, 0), x.calls - before]);
    await c.client.close();
    await Promise.all([x.close(), y.close()]);
  }
  return rows;
}

interface CostRun {
  cpu: number;
  calls: number;
  reports: number;
  bytes: number;
  snapshots: number;
  notModified: number;
  leases: number;
}

/** One client in a child process (bench/sync-cost-child.ts), so its CPU time is its own. */
function costRun(
  mode: "on" | "off" | "fetch",
  hub: LocalHub,
  service: string,
  upstreams: string[],
) {
  return new Promise<CostRun>((resolve, reject) => {
    const args = ["--import", "tsx", "bench/sync-cost-child.ts", mode, hub.url, service];
    args.push(hub.tokens.report, String(COST_MS), upstreams.join(","));
    execFile(process.execPath, args, (error, stdout) =>
      error ? reject(error) : resolve(JSON.parse(stdout) as CostRun),
    );
  });
}

/**
 * What one client's sync costs: its hub traffic, and the CPU it adds, at ~50 calls a second
 * to an in-memory transport (the upstreams the hub knows are real servers, so its heartbeats
 * pass). Runs with sync on and off alternate, each in a fresh process.
 */
async function cost(hub: LocalHub) {
  const [x, y] = await Promise.all([serve(), serve()]);
  const upstreams = [x.url, y.url];
  const service = await configure(
    hub,
    upstreams.map((url) => ({ url, healthPath: "/health" })),
  );
  const runs: Record<"on" | "off", CostRun[]> = { on: [], off: [] };
  for (let i = 0; i < COST_RUNS; i++) {
    for (const mode of ["off", "on"] as const) {
      runs[mode].push(await costRun(mode, hub, service, upstreams));
    }
  }
  const reference = await costRun("fetch", hub, service, upstreams);
  await Promise.all([x.close(), y.close()]);
  const sum = (mode: "on" | "off", key: keyof CostRun) =>
    runs[mode].reduce((total, run) => total + run[key], 0);
  const minutes = (COST_RUNS * COST_MS) / 60_000;
  const perMinute = (key: keyof CostRun) => sum("on", key) / minutes;
  const cpuPerCall = (mode: "on" | "off") => sum(mode, "cpu") / sum(mode, "calls");
  return [
    ["calls per minute", fmt(perMinute("calls"), 0)],
    ["report requests per minute", fmt(perMinute("reports"), 1)],
    ["report body bytes per minute", fmt(perMinute("bytes"), 0)],
    ["report body bytes, mean", fmt(sum("on", "bytes") / Math.max(1, sum("on", "reports")), 0)],
    ["snapshot requests per minute", fmt(perMinute("snapshots"), 1)],
    [
      "of which answered 304",
      `${fmt((100 * sum("on", "notModified")) / Math.max(1, sum("on", "snapshots")), 0)}%`,
    ],
    ["leases run per minute (edge heartbeats)", fmt(perMinute("leases"), 1)],
    ["hub requests per minute, all", fmt(perMinute("reports") + perMinute("snapshots"), 1)],
    ["client process CPU per call, sync off, µs", fmt(cpuPerCall("off"), 1)],
    ["client process CPU per call, sync on, µs", fmt(cpuPerCall("on"), 1)],
    ["added by sync per call at this rate, µs", fmt(cpuPerCall("on") - cpuPerCall("off"), 1)],
    [
      "for scale: CPU of one plain fetch (hub /healthz), µs",
      fmt(reference.cpu / reference.calls, 0),
    ],
  ];
}

const OFF_PATH_MODES = [
  "sync off",
  "working hub",
  "stopped",
  "slow (5 s)",
  "500",
  "invalid JSON",
] as const;
type OffPathMode = (typeof OFF_PATH_MODES)[number];

/** One row's run: a fresh client, 8 callers for 3 s. */
async function offPathRun(hub: LocalHub, service: string, upstreams: string[], mode: OffPathMode) {
  const broken = mode === "sync off" || mode === "working hub" ? undefined : await brokenHub(mode);
  let unreachable = 0;
  const client =
    mode === "sync off"
      ? createClient({ upstreams, retry: false })
      : syncClient(upstreams, { hub: broken?.url ?? hub.url, service, token: hub.tokens.report })
          .client;
  client.on("hub", (event) => {
    if (event.type === "unreachable") unreachable++;
  });
  const calls = drive(client, "/api", 0, 8);
  await sleep(3_000);
  const result = await calls.stop();
  await client.close();
  await broken?.close();
  return { ...result, unreachable };
}

async function offPath(hub: LocalHub) {
  const [x, y] = await Promise.all([serve(), serve()]);
  const upstreams = [x.url, y.url];
  const service = await configure(hub, upstreams);
  const results = OFF_PATH_MODES.map(() => ({
    latencies: [] as number[],
    errors: 0,
    unreachable: 0,
  }));
  // Interleaved rounds, each starting at another row, so that a busy moment of the shared
  // machine (or the first run of a round) hits every row alike.
  for (let round = 0; round < OFF_PATH_MODES.length; round++) {
    for (let k = 0; k < OFF_PATH_MODES.length; k++) {
      const i = (round + k) % OFF_PATH_MODES.length;
      const mode = OFF_PATH_MODES[i]!;
      const run = await offPathRun(hub, service, upstreams, mode);
      results[i]!.latencies.push(...run.latencies);
      results[i]!.errors += run.errors;
      results[i]!.unreachable += run.unreachable;
    }
  }
  await Promise.all([x.close(), y.close()]);
  return OFF_PATH_MODES.map((mode, i) => {
    const { latencies, errors, unreachable } = results[i]!;
    return [
      mode,
      latencies.length,
      errors,
      fmt(p(latencies, 0.5)),
      fmt(p(latencies, 0.99)),
      fmt(Math.max(...latencies)),
      unreachable,
    ];
  });
}

async function cpu(hub: LocalHub) {
  const upstreams = ["http://a.internal", "http://b.internal", "http://c.internal"];
  const service = await configure(hub, upstreams);
  const shared = new Response(null, { status: 200 });
  const memory = async () => shared;
  const off = createClient({ upstreams, fetch: memory });
  const on = syncClient(
    upstreams,
    { hub: hub.url, service, token: hub.tokens.report },
    { fetch: memory },
  ).client;
  const rows: Array<[string, Client]> = [
    ["sync off", off],
    ["hubSync (default intervals, reporting to the local hub)", on],
  ];
  const CALLS = 100_000;
  const time = async (client: Client) => {
    const started = process.cpuUsage();
    for (let i = 0; i < CALLS; i++) await client.fetch("/x");
    const used = process.cpuUsage(started);
    return (used.user + used.system) / CALLS;
  };
  for (const [, client] of rows) await time(client);
  const samples = rows.map(() => [] as number[]);
  // Rounds long enough to span report and refresh intervals.
  for (let round = 0; round < 7; round++) {
    for (const [i, [, client]] of rows.entries()) samples[i]!.push(await time(client));
  }
  await Promise.all([off.close(), on.close()]);
  const base = median(samples[0]!);
  return rows.map(([name], i) => [
    name,
    fmt(median(samples[i]!)),
    i === 0 ? "—" : fmt(median(samples[i]!) - base),
  ]);
}

const SECTIONS: Array<[string, (hub: LocalHub) => Promise<void>]> = [
  [
    "propagation",
    async (hub) => {
      console.log(
        `\nPropagation (${RUNS} runs; default intervals: report 2 s, refresh 2 s; A calls X every 20 ms; B started at a random point of its refresh cycle)\n`,
      );
      const rows = await propagation(hub);
      printTable(
        ["run", "A's first failure → hub says down, ms", "→ B stops sending to X, ms"],
        rows,
      );
      const times = rows.map((row) => Number(row[2]));
      console.log(
        `median ${fmt(median(times), 0)} ms, max ${fmt(Math.max(...times), 0)} ms (goal ≤ 5000)`,
      );
    },
  ],
  [
    "drain",
    async (hub) => {
      console.log(
        `\nDrain (${RUNS} runs; a client calling every 20 ms, round robin; config changed at a random point of its refresh cycle)\n`,
      );
      printTable(
        ["run", "config change → last call to the drained upstream, ms", "calls to it afterwards"],
        await drain(hub),
      );
    },
  ],
  [
    "cost",
    async (hub) => {
      console.log(
        `\nCost per client (~50 calls/s to an in-memory transport; ${COST_RUNS} runs of ${fmt(COST_MS / 1000, 0)} s each with sync on and off, alternating, each client in its own process after a 2 s warm-up)\n`,
      );
      printTable(["what", "per client"], await cost(hub));
    },
  ],
  [
    "broken",
    async (hub) => {
      console.log(
        "\nA broken hub: a fresh client, 8 callers for 3 s; 6 rounds, each row once per round in rotating order\n",
      );
      printTable(
        ["hub", "calls", "errors", "p50 ms", "p99 ms", "max ms", "hub events 'unreachable'"],
        await offPath(hub),
      );
    },
  ],
  [
    "cpu",
    async (hub) => {
      console.log(
        "\nCPU per call, in-memory transport (100,000 sequential calls × 7 interleaved rounds, median)\n",
      );
      printTable(["client", "µs / call", "added µs / call"], await cpu(hub));
    },
  ],
];

// SECTIONS=cost,cpu runs only those.
const only = process.env.SECTIONS?.split(",");
const hub = await startLocalHub({ direct: true });
try {
  for (const [name, run] of SECTIONS) if (only === undefined || only.includes(name)) await run(hub);
} finally {
  await hub.stop();
}
