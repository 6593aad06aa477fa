/**
 * Throughput and latency of a local health hub: N concurrent reporters posting report
 * batches and M concurrent readers fetching the snapshot, against the hub running in
 * workerd on 127.0.0.1 (Miniflare, embedded SQLite store in a temp dir).
 *
 *   npx tsx bench/hub.ts
 *   REPORTERS=32 READERS=8 REPORT_RATE=1500 READ_RATE=400 DURATION_MS=5000 npx tsx bench/hub.ts
 *   HUB_DIRECT=1 npx tsx bench/hub.ts   # without Miniflare's entry proxy in front of the hub
 *   HUB=wrangler npx tsx bench/hub.ts   # against `wrangler dev` (a child process)
 *   LAYER=on npx tsx bench/hub.ts       # through the location layer (copies, relays)
 *
 * By default the location layer is off (HUB_SNAPSHOT_CACHE_MS and HUB_RELAY_FLUSH_MS are
 * 0), so every request reaches the service's Durable Object: this measures what one
 * object can take. `npm run bench:scale` measures what reaches it with the layer on.
 *
 * Requests go through one keep-alive `node:http` agent: Node's `fetch` costs ~1 ms of CPU
 * per request here, which on a 2-core machine would measure the load generator instead of
 * the hub. Every phase is bounded in time and in requests; the hub and the upstream stub
 * are stopped at the end, so nothing is left running. Not part of `npm test`.
 *
 * Each row also prints this process's event-loop delay p99 and how busy the whole machine
 * was: a stalled load generator, or other work on the machine, delays every request in
 * flight and shows up as clusters of slow snapshots that are not the hub's doing.
 *
 * The last row is the local runtime's floor: the same paced snapshots while `GET /healthz`
 * (no auth, no body, no Durable Object) is hit at the report rate. Whatever tail that row
 * shows comes from workerd and Miniflare on this machine (one thread for every isolate,
 * garbage collection pauses, Miniflare's entry proxy re-creating each request), not from
 * the hub's work. `HUB_DIRECT=1` serves the Worker on its own socket without that proxy,
 * which deployed Workers do not have either.
 */
import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { availableParallelism, cpus, loadavg } from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { type LocalHub, startLocalHub } from "../examples/hub-local";
import { startWranglerHub } from "../examples/hub-wrangler";
import type { HubReportBatch } from "../src/protocol";
import { fmt, printTable } from "./table";

const REPORTERS = Number(process.env.REPORTERS ?? 16);
const READERS = Number(process.env.READERS ?? 4);
const DURATION_MS = Number(process.env.DURATION_MS ?? 3_000);
/** How long a paced row runs its load, unmeasured, before measuring. */
const SETTLE_MS = Number(process.env.SETTLE_MS ?? 1_000);
const REPORT_RATE = Number(process.env.REPORT_RATE ?? 1_000);
const READ_RATE = Number(process.env.READ_RATE ?? 200);
const MAX_REQUESTS = Number(process.env.MAX_REQUESTS ?? 100_000);
const DIRECT = process.env.HUB_DIRECT === "1";
const WRANGLER = process.env.HUB === "wrangler";
const COLOS = ["AMS", "FRA", "LHR", "CDG", "SIN", "NRT", "IAD", "SJC"];

const upstream = createServer((_req, res) => res.writeHead(200).end("ok"));
await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
const urls = [`${base}/a`, `${base}/b`, `${base}/c`];

const LAYER_OFF = { HUB_SNAPSHOT_CACHE_MS: "0", HUB_RELAY_FLUSH_MS: "0" };
const vars = process.env.LAYER === "on" ? {} : LAYER_OFF;
const hub: LocalHub = WRANGLER
  ? await startWranglerHub({ vars })
  : await startLocalHub({ direct: DIRECT, vars });
const target = WRANGLER
  ? "wrangler dev (its proxy in front of workerd, in a child process)"
  : `workerd via Miniflare${DIRECT ? ", direct socket without the entry proxy" : ""}`;
const layer = vars === LAYER_OFF ? "location layer off" : "location layer on";
const service = `${hub.url}/v1/services/bench`;
const servicePath = new URL(service).pathname;
const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/** CPU time of all cores, busy and total, in ms since boot. */
function machineCpu(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    const all = times.user + times.nice + times.sys + times.idle + times.irq;
    busy += all - times.idle;
    total += all;
  }
  return { busy, total };
}

/** One request on the keep-alive agent; resolves with the status and the ETag. */
function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; etag: string | null }> {
  const { hostname, port } = new URL(hub.url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method, agent, headers }, (res) => {
      res.resume();
      res.on("end", () =>
        resolve({ status: res.statusCode!, etag: (res.headers.etag as string) ?? null }),
      );
      res.on("error", reject);
    });
    req.on("error", (err) =>
      reject(new Error(`${method} ${path}: ${err.message}`, { cause: err })),
    );
    req.end(body);
  });
}

try {
  const put = await fetch(`${service}/config`, {
    method: "PUT",
    headers: { ...auth(hub.tokens.admin), "content-type": "application/json" },
    body: JSON.stringify({ upstreams: urls, heartbeat: { interval: 5_000, timeout: 1_000 } }),
  });
  if (put.status !== 201) throw new Error(`config failed: ${put.status} ${await put.text()}`);

  const bodies = COLOS.map((colo) =>
    JSON.stringify({
      colo,
      upstreams: urls.map((url) => ({
        url,
        successes: 95,
        failures: 4,
        timeouts: 1,
        latency: { count: 100, sumMs: 2_300, maxMs: 90, p50Ms: 20, p99Ms: 80 },
      })),
    } satisfies HubReportBatch),
  );
  const reportHeaders = bodies.map((b) => ({
    ...auth(hub.tokens.report),
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(b)),
  }));
  const readHeaders = auth(hub.tokens.read);

  let requests = 0;
  const report = async (i: number) => {
    const k = i % bodies.length;
    const res = await send("POST", `${servicePath}/reports`, reportHeaders[k]!, bodies[k]);
    if (res.status !== 202) throw new Error(`report failed: ${res.status}`);
  };
  // Miniflare's entry proxy now and then resets a connection in the floor row; those are
  // counted and printed rather than ending the run (they are not the hub's requests).
  let pingErrors = 0;
  const ping = async () => {
    const res = await send("GET", "/healthz", {}).catch(() => null);
    if (res === null) pingErrors++;
    else if (res.status !== 200) throw new Error(`healthz failed: ${res.status}`);
  };
  const read = async (etag: string | null) => {
    const headers = etag ? { ...readHeaders, "if-none-match": etag } : readHeaders;
    const res = await send("GET", `${servicePath}/health`, headers);
    if (res.status !== 200 && res.status !== 304) throw new Error(`health failed: ${res.status}`);
    return res.etag;
  };

  /**
   * One row. Closed-loop `reporters`/`readers` each send, wait, send again: they measure
   * capacity, and a saturated hub makes every request queue. Open-loop rates
   * (`reportRate`, `readRate` per second, at most 64 in flight each) measure latency at a
   * given load.
   */
  async function phase(
    load: {
      reporters?: number;
      readers?: number;
      reportRate?: number;
      readRate?: number;
      pingRate?: number;
      conditional?: boolean;
    },
    durationMs = DURATION_MS,
  ) {
    const { reporters = 0, readers = 0, reportRate = 0, readRate = 0, pingRate = 0 } = load;
    const conditional = load.conditional ?? false;
    let reports = 0;
    const latencies: number[] = [];
    const deadline = performance.now() + durationMs;
    requests = 0; // MAX_REQUESTS bounds each phase
    const more = () => performance.now() < deadline && requests++ < MAX_REQUESTS;
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const cpu0 = machineCpu();
    const started = performance.now();
    const sendReport = (i: number) => report(i).then(() => void reports++);
    const sendRead = async (etag: string | null) => {
      const t = performance.now();
      const next = await read(etag);
      latencies.push(performance.now() - t);
      return next;
    };
    const closedReporter = async (first: number) => {
      for (let i = first; more(); i += reporters) await sendReport(i);
    };
    const closedReader = async () => {
      let etag: string | null = null;
      while (more()) {
        const next = await sendRead(conditional ? etag : null);
        etag = next;
      }
    };
    const paced = async (rate: number, send: (i: number) => Promise<unknown>) => {
      const inFlight = new Set<Promise<unknown>>();
      let sent = 0;
      while (more()) {
        const due = Math.floor(((performance.now() - started) * rate) / 1_000);
        while (sent < due && inFlight.size < 64) {
          const p: Promise<unknown> = send(sent++).finally(() => inFlight.delete(p));
          inFlight.add(p);
        }
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      await Promise.all(inFlight);
    };
    await Promise.all([
      ...Array.from({ length: reporters }, (_, r) => closedReporter(r)),
      ...Array.from({ length: readers }, closedReader),
      ...(reportRate > 0 ? [paced(reportRate, sendReport)] : []),
      ...(readRate > 0 ? [paced(readRate, () => sendRead(null))] : []),
      ...(pingRate > 0 ? [paced(pingRate, ping)] : []),
    ]);
    const seconds = (performance.now() - started) / 1_000;
    loop.disable();
    const cpu1 = machineCpu();
    const busy = (cpu1.busy - cpu0.busy) / (cpu1.total - cpu0.total);
    latencies.sort((a, b) => a - b);
    const pct = (p: number) =>
      latencies.length
        ? fmt(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!)
        : "–";
    return [
      reporters
        ? `${reporters} closed-loop`
        : reportRate
          ? `${reportRate}/s paced`
          : pingRate
            ? `${pingRate}/s /healthz`
            : "–",
      readers ? `${readers} closed-loop` : readRate ? `${readRate}/s paced` : "–",
      reports ? fmt(reports / seconds, 0) : "–",
      latencies.length ? fmt(latencies.length / seconds, 0) : "–",
      pct(0.5),
      pct(0.99),
      fmt(loop.percentile(99) / 1e6),
      `${Math.round(busy * 100)}%`,
    ];
  }

  // Warm up the isolate, the Durable Object and the connection pool.
  for (let i = 0; i < 200; i++) await Promise.all([report(i), read(null)]);
  requests = 0;

  // The paced rows come first and settle at their own load before measuring: run after the
  // saturating rows, they measured the garbage those left behind (a full collection of it
  // stalls workerd's one thread for tens of ms) rather than the load they name.
  const scenarios: [string, Parameters<typeof phase>[0]][] = [
    ["snapshots while reports arrive", { reportRate: REPORT_RATE, readRate: READ_RATE }],
    ["floor: snapshots while /healthz is hit", { pingRate: REPORT_RATE, readRate: READ_RATE }],
    ["report capacity", { reporters: REPORTERS }],
    ["snapshot capacity", { readers: READERS }],
    ["snapshot capacity, If-None-Match", { readers: READERS, conditional: true }],
    ["both saturating", { reporters: REPORTERS, readers: READERS }],
  ];
  const rows: string[][] = [];
  for (const [name, load] of scenarios) {
    const paced = (load.reportRate ?? 0) + (load.pingRate ?? 0) > 0;
    if (paced && SETTLE_MS > 0) await phase(load, SETTLE_MS);
    rows.push([name, ...(await phase(load))]);
  }
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
  console.log(
    `Local hub (${target}, ${layer}, SQLite store in a temp dir), batches of ${urls.length} upstream entries from ${COLOS.length} colos, ${DURATION_MS} ms per row (paced rows after ${SETTLE_MS} ms at their load); Node ${process.version}, ${availableParallelism()} cores, load average ${load}\n`,
  );
  printTable(
    [
      "scenario",
      "reports",
      "reads",
      "report batches/s",
      "snapshots/s",
      "snapshot p50 ms",
      "snapshot p99 ms",
      "bench loop delay p99 ms",
      "machine CPU busy",
    ],
    rows,
  );
  if (pingErrors > 0) console.log(`\n${pingErrors} /healthz requests of the floor row failed.`);
} finally {
  agent.destroy();
  await hub.stop();
  upstream.closeAllConnections();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
}
