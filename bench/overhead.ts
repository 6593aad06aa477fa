/**
 * Per-call overhead of the client's default pipeline over an in-memory transport, side by
 * side with cockatiel and opossum in one run, plus heap growth and loopback throughput (with
 * rows for `fetch` given an AbortSignal, which is what any per-attempt timeout costs undici).
 *
 *   npm run bench:overhead
 *   BASELINE=../other-checkout/src/index.ts npm run bench:overhead   # before/after rows
 *
 * With `BASELINE`, the client rows are measured a second time with the client of another
 * checkout (e.g. `git archive main src | tar -x -C /tmp/base`), interleaved in the same run,
 * so a change's cost is read side by side rather than across runs on a noisy machine.
 *
 * Rows are measured in interleaved rounds, in CPU time, and the median round is reported, so
 * a noisy neighbour hurts every row alike. Not part of `npm test`.
 */
import { spawn } from "node:child_process";
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
import { type Client, type ClientOptions, createClient } from "../src/index";
import { fmt, median, printTable } from "./table";

type CreateClient = (options: ClientOptions) => Client;
const baseline: CreateClient | undefined =
  process.env.BASELINE === undefined
    ? undefined
    : ((await import(process.env.BASELINE)) as { createClient: CreateClient }).createClient;

/** The same row for this checkout and, with BASELINE, for the baseline one. */
function bothClients<T>(name: string, make: (create: CreateClient) => T): Array<[string, T]> {
  const rows: Array<[string, T]> = [[name, make(createClient)]];
  if (baseline !== undefined) rows.push([`${name} (baseline)`, make(baseline)]);
  return rows;
}

const CALLS = Number(process.env.CALLS ?? 200_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const upstreams = ["http://a.internal", "http://b.internal", "http://c.internal"];

// One shared response: building a Response costs ≈10 µs and would drown what we measure.
const shared = new Response(null, { status: 200 });
const memoryFetch = async (_input: string | URL | Request, _init?: RequestInit) => shared;

// As `fetch` does: reads `init.signal`, so the attempt's AbortController and signal are made.
const signalFetch = async (_input: string | URL | Request, init?: RequestInit) => {
  init?.signal;
  return shared;
};
// An app-wide signal every call passes (e.g. a shutdown signal).
const shutdown = new AbortController().signal;
const cockatielPolicy = wrap(
  retry(handleAll, { maxAttempts: 2, backoff: new ExponentialBackoff() }),
  circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) }),
  timeout(10_000, TimeoutStrategy.Aggressive),
);
const opossum = new CircuitBreaker(memoryFetch, {});

const rows: Array<[string, () => Promise<unknown>]> = [
  ["bare transport call", () => memoryFetch("http://a.internal/x")],
  ...bothClients("resilient-fetch default pipeline, 3 upstreams", (create) => {
    const client = create({ upstreams, fetch: memoryFetch });
    return () => client.fetch("/x");
  }),
  // Hedging on with its defaults; the in-memory transport answers before any hedge delay, so
  // this row is the cost of the hedge layer's bookkeeping (group, timer set and cleared).
  ...bothClients("client with hedging configured (never fires)", (create) => {
    const client = create({ upstreams, fetch: memoryFetch, hedge: {} });
    return () => client.fetch("/x");
  }),
  ...bothClients("default pipeline, transport reads init.signal", (create) => {
    const client = create({ upstreams, fetch: signalFetch });
    return () => client.fetch("/x");
  }),
  ...bothClients("default pipeline, one long-lived caller signal", (create) => {
    const client = create({ upstreams, fetch: memoryFetch });
    return () => client.fetch("/x", { signal: shutdown });
  }),
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

// The server runs in a child process, so its work is not counted in this process's CPU time
// and does not compete with the caller for the event loop. It exits when its stdin closes,
// so an interrupted bench leaves no server behind.
const SERVER = `const s = require("http").createServer((q, r) => r.end("ok"));
s.keepAliveTimeout = 5000;
s.listen(0, "127.0.0.1", () => console.log(s.address().port));
process.stdin.on("end", () => process.exit(0)).resume();`;

interface Throughput {
  name: string;
  /** Requests per second (median round). */
  rate: number;
  /** CPU time of this process per request, µs (median round). */
  cpu: number;
}

async function throughput(): Promise<Throughput[]> {
  const server = spawn(process.execPath, ["-e", SERVER], { stdio: ["pipe", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve) =>
    server.stdout!.once("data", (data) => resolve(String(data).trim())),
  );
  const base = `http://127.0.0.1:${port}`;
  const clients: Client[] = [];
  const client = (create: CreateClient, options: Partial<ClientOptions> = {}) => {
    const made = create({ upstreams: [base], ...options });
    clients.push(made);
    return made;
  };
  const concurrency = 64;
  const perRun = 10_000;
  // A timeout on `fetch` means an AbortSignal, and undici's work for a signal (a listener, a
  // WeakRef, a FinalizationRegistry entry per request) is paid whoever makes it; these rows
  // show what that costs `fetch` alone, without any client.
  const callers: Array<[string, () => Promise<Response>]> = [
    ["bare fetch", () => fetch(`${base}/x`)],
    [
      "fetch + new AbortController().signal",
      () => fetch(`${base}/x`, { signal: new AbortController().signal }),
    ],
    [
      "fetch + AbortSignal.timeout(10_000)",
      () => fetch(`${base}/x`, { signal: AbortSignal.timeout(10_000) }),
    ],
    ...bothClients("resilient-fetch client (defaults)", (create) => {
      const real = client(create);
      return () => real.fetch("/x");
    }),
    ...bothClients("resilient-fetch client, timeout: false", (create) => {
      const untimed = client(create, { timeout: false });
      return () => untimed.fetch("/x");
    }),
    ...bothClients("client (defaults), one long-lived caller signal", (create) => {
      const real = client(create);
      return () => real.fetch("/x", { signal: shutdown });
    }),
  ];
  async function drive(call: () => Promise<Response>): Promise<[number, number]> {
    let next = 0;
    const started = performance.now();
    const cpu = process.cpuUsage();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next++ < perRun) await (await call()).arrayBuffer();
      }),
    );
    const used = process.cpuUsage(cpu);
    return [perRun / ((performance.now() - started) / 1000), (used.user + used.system) / perRun];
  }
  for (const [, call] of callers) await drive(call); // warm up
  const samples = callers.map(() => ({ rate: [] as number[], cpu: [] as number[] }));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, [, call]] of callers.entries()) {
      const [rate, cpu] = await drive(call);
      samples[index]!.rate.push(rate);
      samples[index]!.cpu.push(cpu);
    }
  }
  await Promise.all(clients.map((made) => made.close()));
  server.kill();
  return callers.map(([name], index) => ({
    name,
    rate: median(samples[index]!.rate),
    cpu: median(samples[index]!.cpu),
  }));
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
const bareLoop = loop[0]!;
console.log(
  `\nThroughput against a real HTTP server on 127.0.0.1 (in a child process), 64 concurrent callers (${ROUNDS} interleaved rounds, median)\n`,
);
printTable(
  ["caller", "requests / s", "share of bare fetch", "CPU µs / request"],
  loop.map(({ name, rate, cpu }) => [
    name,
    fmt(rate, 0),
    `${fmt((100 * rate) / bareLoop.rate, 1)}%`,
    fmt(cpu, 1),
  ]),
);
