/**
 * Per-call overhead of the client's default pipeline over an in-memory transport, side by
 * side with cockatiel and opossum in one run, plus heap growth and loopback throughput.
 *
 *   npm run bench:overhead
 *
 * Rows are measured in interleaved rounds, in CPU time, and the median round is reported, so
 * a noisy neighbour hurts every row alike. Not part of `npm test`.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleAll,
  retry,
  TimeoutStrategy,
  timeout,
  wrap,
} from "cockatiel";
import CircuitBreaker from "opossum";
import { createClient } from "../src/index";
import { fmt, median, printTable } from "./table";

const CALLS = Number(process.env.CALLS ?? 200_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const upstreams = ["http://a.internal", "http://b.internal", "http://c.internal"];

// One shared response: building a Response costs ≈10 µs and would drown what we measure.
const shared = new Response(null, { status: 200 });
const memoryFetch = async (_input: string | URL | Request, _init?: RequestInit) => shared;

const client = createClient({ upstreams, fetch: memoryFetch });
// Hedging on with its defaults; the in-memory transport answers before any hedge delay, so
// this row is the cost of the hedge layer's bookkeeping (group, timer set and cleared).
const hedgedClient = createClient({ upstreams, fetch: memoryFetch, hedge: {} });
const cockatielPolicy = wrap(
  retry(handleAll, { maxAttempts: 2, backoff: new ExponentialBackoff() }),
  circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) }),
  timeout(10_000, TimeoutStrategy.Aggressive),
);
const opossum = new CircuitBreaker(memoryFetch, {});

const rows: Array<[string, () => Promise<unknown>]> = [
  ["bare transport call", () => memoryFetch("http://a.internal/x")],
  ["resilient-fetch default pipeline, 3 upstreams", () => client.fetch("/x")],
  ["client with hedging configured (never fires)", () => hedgedClient.fetch("/x")],
  [
    "cockatiel wrap(retry, circuitBreaker, timeout)",
    () => cockatielPolicy.execute(() => memoryFetch("http://a.internal/x")),
  ],
  ["opossum (defaults)", () => opossum.fire("http://a.internal/x")],
];

// CPU time of this process rather than wall time: other processes on a shared machine then
// slow every row alike instead of whichever happened to run beside them.
async function time(run: () => Promise<unknown>, calls: number): Promise<number> {
  const started = process.cpuUsage();
  for (let i = 0; i < calls; i++) await run();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / calls; // µs per call
}

async function overhead(): Promise<Map<string, number>> {
  for (const [, run] of rows) await time(run, 20_000); // warm up the JIT
  const samples = new Map<string, number[]>(rows.map(([name]) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, run] of rows) samples.get(name)!.push(await time(run, CALLS));
  }
  return new Map([...samples].map(([name, values]) => [name, median(values)]));
}

async function heapGrowth(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return Number.NaN;
  const heapClient = createClient({ upstreams, fetch: memoryFetch });
  for (let i = 0; i < 10_000; i++) await heapClient.fetch("/x");
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 1_000_000; i++) await heapClient.fetch("/x");
  gc();
  return (process.memoryUsage().heapUsed - before) / (1024 * 1024);
}

async function throughput(): Promise<{ bare: number; client: number }> {
  const server = createServer((_req, res) => res.end("ok"));
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const real = createClient({ upstreams: [base] });
  const concurrency = 64;
  const perRun = 20_000;
  async function drive(call: () => Promise<Response>): Promise<number> {
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next++ < perRun) await (await call()).arrayBuffer();
      }),
    );
    return perRun / ((performance.now() - started) / 1000);
  }
  const bare: number[] = [];
  const wrapped: number[] = [];
  await drive(() => fetch(`${base}/x`));
  for (let round = 0; round < 3; round++) {
    bare.push(await drive(() => fetch(`${base}/x`)));
    wrapped.push(await drive(() => real.fetch("/x")));
  }
  await real.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { bare: median(bare), client: median(wrapped) };
}

const perCall = await overhead();
const bare = perCall.get("bare transport call")!;
const ours = perCall.get("resilient-fetch default pipeline, 3 upstreams")! - bare;
console.log(
  `\nPer-call overhead in CPU time (${CALLS.toLocaleString()} sequential calls × ${ROUNDS} interleaved rounds, median), Node ${process.version}\n`,
);
printTable(
  ["pipeline", "µs / call", "overhead µs", "vs resilient-fetch"],
  [...perCall].map(([name, us]) => {
    const extra = us - bare;
    return [
      name,
      fmt(us),
      name === "bare transport call" ? "—" : fmt(extra),
      name.startsWith("bare") ? "—" : `${fmt(extra / ours, 1)}x`,
    ];
  }),
);

const heap = await heapGrowth();
console.log(
  `\nHeap growth after 1,000,000 calls and a GC: ${Number.isNaN(heap) ? "run with --expose-gc" : `${fmt(heap)} MB`}`,
);

const loop = await throughput();
console.log(
  "\nThroughput against a real HTTP server on 127.0.0.1, 64 concurrent callers (median of 3 rounds)\n",
);
printTable(
  ["caller", "requests / s", "share of bare fetch"],
  [
    ["bare fetch", fmt(loop.bare, 0), "100%"],
    ["resilient-fetch client", fmt(loop.client, 0), `${fmt((100 * loop.client) / loop.bare, 1)}%`],
  ],
);
