/**
 * The hub at scale (issue 16): L locations × C clients each, against the real hub Worker in
 * workerd (Miniflare, direct socket, local SQLite Durable Objects), and what reaches the
 * service's Durable Object, counted by the object itself (`GET /v1/services/:service/load`).
 *
 *   npm run bench:scale                  # 9 to 12 minutes on 2 shared cores
 *   ROWS=300x50 OFF_ROW=0 npm run bench:scale   # the largest row on its own (k = 60, ~9 minutes)
 *   ROWS=50x1,300x10x8 MAX_RATE=600 MEASURE=4 OFF_ROW=100x10 npm run bench:scale
 *
 * ROWS: `LxC` rows, or `LxCxK` to set a row's dilation k; OFF_ROW: `LxC`, or 0 for none.
 *
 * Simulated clients are request generators that behave like `hubSync()` at its defaults:
 * each reads the snapshot every 2 s with If-None-Match (with a report token, so probe
 * leases come to them; a lease holder posts its heartbeat results at once) and posts a
 * report batch every 2 s, at a random phase. Each location starts asking for leases at a
 * random point of the first heartbeat interval, so lease rounds are spread as they would
 * be in a fleet that did not start all at once. Two cores cannot serve 15,000 clients at
 * those intervals, so a row that would load the local runtime beyond MAX_RATE requests a
 * second (clients' requests, plus about 4 per location for its copy's revalidation) runs
 * time-dilated by k: the clients' intervals, the hub's snapshot cache and relay flush
 * (HUB_SNAPSHOT_CACHE_MS, HUB_RELAY_FLUSH_MS) and the heartbeat interval all × k. Rates
 * are then given per second of default time (measured × k); what the object does per
 * interval is the same, only k times slower. The object's own judgement constants (report
 * window, out-of-rotation half-life) are not dilated; they do not change its load.
 *
 * Propagation: after the measured window, the clients of the first location see upstream X
 * fail (their breakers trip: each posts an urgent report saying so), and the time until one
 * client of the second location (reading every 2 s like the others) gets a snapshot with X
 * down is measured (÷ k in dilated rows). A client's own detection (the calls until its
 * breaker opens) is not included.
 *
 * A last row runs one configuration with the location layer off (both intervals 0), as
 * every request reached the object before it. Not part of `npm test`; nothing is left
 * running.
 */
import { execSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { availableParallelism, loadavg } from "node:os";
import { type LocalHub, startLocalHub } from "../examples/hub-local";
import type { HubLoad, HubSnapshot } from "../src/protocol";
import { fmt, printTable } from "./table";

/** `LxC`, or `LxCxK` to set the time dilation k of a row. */
const ROWS = (process.env.ROWS ?? "50x1,50x10,50x50,100x1,100x10,100x50,300x1,300x10")
  .split(",")
  .map((row) => row.split("x").map(Number) as [number, number, number?]);
const MAX_RATE = Number(process.env.MAX_RATE ?? 250);
/** Measured window, in (dilated) refresh intervals; at least MIN_MEASURE_MS. */
const MEASURE = Number(process.env.MEASURE ?? 2);
const MIN_MEASURE_MS = Number(process.env.MIN_MEASURE_MS ?? 10_000);
/** The configuration also run with the layer off; "0" for none. */
const OFF_ROW = (process.env.OFF_ROW ?? "50x10").split("x").map(Number) as [number, number];
const INTERVAL_MS = 2_000; // hubSync's report and refresh intervals
const CACHE_MS = 1_000; // the hub's defaults
const FLUSH_MS = 1_000;
const HEARTBEAT_MS = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const upstream = createServer((_req, res) => res.writeHead(200).end("ok"));
await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
const X = `${base}/x`;
const Y = `${base}/y`;
// workerd closes keep-alive connections that sit idle; Node may pick one just as it closes
// (ECONNRESET). LIFO reuse keeps a few sockets busy and lets the rest time out here first.
const agent = new Agent({ keepAlive: true, maxSockets: 64, scheduling: "lifo", timeout: 1_000 });
/** A client request that has no answer by then counts as failed. */
const REQUEST_TIMEOUT_MS = 10_000;
/** The bench's own requests (config, load counters) wait longer. */
const ADMIN_TIMEOUT_MS = 60_000;
/** Requests sent again after a reset of a reused connection. */
let resets = 0;
/** Measured windows taken again because the service's object restarted in them. */
let restarts = 0;
const ticks = Number(execSync("getconf CLK_TCK").toString().trim()) || 100;

/** CPU ms used so far by the workerd child processes of this process. */
function workerdCpuMs(): number {
  let total = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue;
    }
    const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (comm !== "workerd" || Number(fields[1]) !== process.pid) continue;
    total += ((Number(fields[11]) + Number(fields[12])) * 1_000) / ticks;
  }
  return total;
}

interface Reply {
  status: number;
  etag: string | null;
  body: string;
}

function send(
  hub: LocalHub,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
  keepBody = false,
  pooled = true,
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<Reply> {
  const { hostname, port } = new URL(hub.url);
  return new Promise((resolve, reject) => {
    const options = {
      hostname,
      port,
      path,
      method,
      agent: pooled ? agent : false,
      headers,
      signal: AbortSignal.timeout(timeoutMs),
    };
    const req = request(options, (res) => {
      const chunks: Buffer[] = [];
      if (keepBody) res.on("data", (c: Buffer) => chunks.push(c));
      else res.resume();
      res.on("end", () =>
        resolve({
          status: res.statusCode!,
          etag: (res.headers.etag as string | undefined) ?? null,
          body: Buffer.concat(chunks).toString(),
        }),
      );
      res.on("error", reject);
    });
    req.on("error", (err: NodeJS.ErrnoException) => {
      // A kept-alive connection the server closed as this request went out: the request
      // never reached it (Node's documented case), so it is sent again on a fresh one.
      if (req.reusedSocket && err.code === "ECONNRESET") {
        resets++;
        send(hub, method, path, headers, body, keepBody, false, timeoutMs).then(resolve, reject);
      } else reject(err);
    });
    req.end(body);
  });
}

/** An admin request on a connection of its own (workerd may close an idle pooled one). */
async function admin(hub: LocalHub, method: string, path: string, body?: unknown) {
  const json = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = { authorization: `Bearer ${hub.tokens.admin}` };
  if (json !== undefined) headers["content-type"] = "application/json";
  const res = await send(hub, method, path, headers, json, true, false, ADMIN_TIMEOUT_MS).catch(
    (err) => {
      throw new Error(`${method} ${path} failed`, { cause: err });
    },
  );
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.body}`);
  return JSON.parse(res.body) as unknown;
}

const entry = (url: string, tripped = false) =>
  tripped
    ? { url, successes: 0, failures: 5, timeouts: 0, outOfRotation: { answers: 1, unreachable: 0 } }
    : {
        url,
        successes: 18,
        failures: 0,
        timeouts: 0,
        latency: { count: 18, sumMs: 360, maxMs: 40 },
      };

interface Row {
  cells: string[];
}

let rowsRun = 0;
/** Failed requests by message, printed after the table. */
const errorKinds = new Map<string, number>();

/** One row: L locations × C clients, time × k. */
async function runRow(hub: LocalHub, L: number, C: number, k: number, off = false): Promise<Row> {
  const service = `scale-${++rowsRun}`;
  const servicePath = `/v1/services/${service}`;
  await admin(hub, "PUT", `${servicePath}/config`, {
    upstreams: [X, Y],
    heartbeat: { interval: HEARTBEAT_MS * k, timeout: 2_000 },
  });
  const period = INTERVAL_MS * k;
  const colos = Array.from({ length: L }, (_, i) => `L${String(i).padStart(3, "0")}`);
  const reportHeaders = (body: string) => ({
    authorization: `Bearer ${hub.tokens.report}`,
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(body)),
  });
  // The first location's clients call X too; nobody else does (so X's verdict rests on them).
  const bodies = colos.map((colo, i) =>
    JSON.stringify({ colo, upstreams: i === 0 ? [entry(X), entry(Y)] : [entry(Y)] }),
  );
  const tripped = JSON.stringify({ colo: colos[0], upstreams: [entry(X, true), entry(Y)] });
  const n = L * C;
  const etags: (string | null)[] = new Array(n).fill(null);
  const readPhase = Float64Array.from({ length: n }, () => Math.random() * period);
  const reportPhase = Float64Array.from({ length: n }, () => Math.random() * period);
  // One schedule of both kinds of event per period, in time order.
  const events = [
    ...Array.from({ length: n }, (_, i) => ({ at: readPhase[i]!, i, read: true })),
    ...Array.from({ length: n }, (_, i) => ({ at: reportPhase[i]!, i, read: false })),
  ].sort((a, b) => a.at - b.at);

  let clientReads = 0;
  let clientReports = 0;
  let failures = 0;
  let maxLag = 0;
  let inFlight = 0;
  let trippedAt = 0;
  let seenDownAt = 0;
  let snapshotBytes = 0;
  const probe = C; // client 0 of the second location
  const track = (p: Promise<unknown>) => {
    inFlight++;
    p.catch((err) => {
      failures++;
      const kind = String(err).slice(0, 80);
      errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);
    }).finally(() => void inFlight--);
  };
  // Each location joins the lease rounds at its own point of the first heartbeat interval
  // (reading with the read token until then): started together, all locations would take
  // their leases in the same moment of every interval, and a window would hold all of
  // them or none. Spread, a window holds its length's share of them.
  const leasesFrom = Array.from({ length: L }, () => Math.random() * HEARTBEAT_MS * k);
  const read = async (i: number) => {
    const location = Math.floor(i / C);
    const colo = colos[location]!;
    const mayLease = performance.now() - start >= leasesFrom[location]!;
    const token = mayLease ? hub.tokens.report : hub.tokens.read;
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (etags[i]) headers["if-none-match"] = etags[i]!;
    const watch = i === probe && trippedAt > 0 && seenDownAt === 0;
    const leased = (etag: string | null) => etag?.includes("-") ?? false;
    const res = await send(
      hub,
      "GET",
      `${servicePath}/health?colo=${colo}`,
      headers,
      undefined,
      true,
    );
    clientReads++;
    if (res.status !== 200 && res.status !== 304) throw new Error(`health ${res.status}`);
    etags[i] = res.etag;
    if (res.status === 200) snapshotBytes = Math.max(snapshotBytes, res.body.length);
    if (res.status === 200 && watch) {
      const x = (JSON.parse(res.body) as HubSnapshot).upstreams.find((u) => u.url === X);
      if (x?.breakerHint === "open") seenDownAt = performance.now();
    }
    if (res.status === 200 && leased(res.etag)) {
      const { lease } = JSON.parse(res.body) as HubSnapshot;
      const body = JSON.stringify({
        colo,
        heartbeats: {
          leaseId: lease!.id,
          results: lease!.targets.map((t) => ({ url: t.url, status: 200, latencyMs: 5 })),
        },
      });
      const ack = await send(hub, "POST", `${servicePath}/reports`, reportHeaders(body), body);
      if (ack.status !== 202) throw new Error(`heartbeats ${ack.status}`);
    }
  };
  const report = async (body: string) => {
    const res = await send(hub, "POST", `${servicePath}/reports`, reportHeaders(body), body);
    clientReports++;
    if (res.status !== 202) throw new Error(`report ${res.status}`);
  };
  const bodyOf = (i: number) => {
    const location = Math.floor(i / C);
    return location === 0 && trippedAt > 0 ? tripped : bodies[location]!;
  };

  const start = performance.now();
  let next = 0;
  let cycle = 0;
  let running = true;
  const driver = (async () => {
    while (running) {
      const now = performance.now();
      for (;;) {
        const e = events[next]!;
        const due = start + cycle * period + e.at;
        if (due > now) break;
        maxLag = Math.max(maxLag, now - due);
        track(
          e.read
            ? read(e.i).catch((err) => {
                throw new Error(`read: ${err}`);
              })
            : report(bodyOf(e.i)),
        );
        if (++next === events.length) {
          next = 0;
          cycle++;
        }
      }
      await sleep(2);
    }
  })();

  const snapshotLoad = async () => (await admin(hub, "GET", `${servicePath}/load`)) as HubLoad;
  // The first interval creates a relay per location and hands out a lease per location,
  // each a new Durable Object or a storage write: a burst the local runtime takes seconds
  // to work through. The window opens an interval in (4 s at least), once requests flow
  // freely again.
  await sleep(Math.max(4_000, period));
  for (let waited = 0; inFlight > 16 && waited < period; waited += 100) await sleep(100);
  const measureMs = Math.max(MIN_MEASURE_MS, MEASURE * period);
  // Client counts are taken as each load request leaves; the object's window is its own
  // clock's, from the two answers.
  /** One measured window; `null` when the object restarted in it (its counters start over). */
  const measure = async () => {
    const cpu0 = workerdCpuMs();
    const reads0 = clientReads;
    const reports0 = clientReports;
    const t0 = performance.now();
    const load0 = await snapshotLoad();
    await sleep(measureMs);
    const cpu1 = workerdCpuMs();
    const reads = clientReads - reads0;
    const requests = reads + clientReports - reports0;
    const clientSeconds = (performance.now() - t0) / 1_000;
    const load1 = await snapshotLoad();
    if (load1.since !== load0.since) return null;
    return { cpu: cpu1 - cpu0, reads, requests, clientSeconds, load0, load1 };
  };
  let window = await measure();
  for (let tries = 1; window === null && tries < 3; tries++) {
    restarts++;
    // Its versions jumped: copies and relays take an interval to catch up.
    await sleep(period);
    window = await measure();
  }
  if (window === null)
    throw new Error(`${L} × ${C}: the service's object restarted in every window`);
  const { cpu, reads, requests, clientSeconds, load0, load1 } = window;
  const seconds = (load1.at - load0.at) / 1_000;

  // Propagation: X fails for the first location's clients; each one's breaker trips.
  trippedAt = performance.now();
  for (let i = 0; i < C; i++) track(report(tripped));
  while (seenDownAt === 0 && performance.now() - trippedAt < 10 * period) await sleep(10);
  running = false;
  await driver;
  while (inFlight > 0) await sleep(10);

  const d = (f: (l: HubLoad) => number) => f(load1) - f(load0);
  const objectPerSecond = (d((l) => l.requests.total) / seconds) * k;
  const flushes = d((l) => l.requests.flushes);
  const propagation = seenDownAt > 0 ? (seenDownAt - trippedAt) / k : Number.NaN;
  return {
    cells: [
      off ? `${L} × ${C}, layer off` : `${L} × ${C}`,
      String(k),
      fmt((requests / clientSeconds) * k, 0),
      fmt(objectPerSecond, 0),
      fmt(objectPerSecond / L, 2),
      fmt((d((l) => l.requests.snapshots) / seconds) * k, 0),
      fmt((d((l) => l.requests.flushes + l.requests.reports) / seconds) * k, 0),
      flushes > 0 ? fmt(d((l) => l.relayedReports) / flushes, 1) : "–",
      `${fmt(100 * (1 - d((l) => l.requests.snapshots) / seconds / (reads / clientSeconds)), 1)}%`,
      fmt(cpu / requests, 3),
      Number.isNaN(propagation) ? "not seen" : fmt(propagation / 1_000, 2),
      fmt(snapshotBytes / 1_024, 0),
      `${fmt(maxLag, 0)} / ${failures}`,
    ],
  };
}

/**
 * How much slower than real time a row runs. Besides the clients' requests, each location
 * costs the Worker a copy revalidation (with its Cache API reads and writes) per interval;
 * here every location shares one workerd thread, so it weighs as about 4 clients. The hub
 * takes intervals up to 60 s, so k stops at 60.
 */
const dilation = (L: number, C: number) =>
  Math.min(60, Math.max(1, Math.ceil((L * C + 4 * L) / MAX_RATE)));
/** A hub whose location layer runs `k` times slower (or is off). */
const startHub = (k: number, off = false) =>
  startLocalHub({
    direct: true,
    verbose: process.env.VERBOSE === "1",
    vars: {
      HUB_SNAPSHOT_CACHE_MS: off ? "0" : String(CACHE_MS * k),
      HUB_RELAY_FLUSH_MS: off ? "0" : String(FLUSH_MS * k),
    },
  });
const rows: string[][] = [];
let hub: LocalHub | null = null;
try {
  const runs: [number, number, boolean, number?][] = ROWS.map(([L, C, k]) => [L, C, false, k]);
  if (OFF_ROW[0]! > 0) runs.push([OFF_ROW[0]!, OFF_ROW[1]!, true]);
  for (const [L, C, off, given] of runs) {
    const k = given ?? dilation(L, C);
    // A fresh hub per row: the row's own intervals, and no garbage from the row before.
    hub = await startHub(k, off);
    rows.push((await runRow(hub, L, C, k, off)).cells);
    await hub.stop();
    hub = null;
    console.error(`done: ${L} × ${C}${off ? " (layer off)" : ""}, k = ${k}`);
  }
} finally {
  agent.destroy();
  await hub?.stop();
  upstream.closeAllConnections();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
}

const load = loadavg()
  .map((l) => l.toFixed(1))
  .join(" ");
console.log(
  `Hub at scale: workerd via Miniflare (direct socket), clients like hubSync at 2 s report and refresh intervals, hub defaults (snapshot cache ${CACHE_MS} ms, relay flush ${FLUSH_MS} ms, heartbeats ${HEARTBEAT_MS} ms), rows × k time-dilated above ${MAX_RATE} requests/s; rates per second of default time. Node ${process.version}, ${availableParallelism()} cores, load average ${load}\n`,
);
printTable(
  [
    "locations × clients",
    "k",
    "client req/s",
    "object req/s",
    "per location",
    "object reads/s",
    "object writes/s",
    "reports per write",
    "reads from cache",
    "workerd CPU ms/req",
    "propagation s",
    "snapshot KB",
    "bench lag ms / errors",
  ],
  rows,
);
for (const [kind, n] of errorKinds) console.log(`${n} failed: ${kind}`);
if (resets > 0)
  console.log(`\n${resets} requests were sent again after a reused connection was reset.`);
if (restarts > 0)
  console.log(`${restarts} measured windows were taken again: the service's object restarted.`);
