/**
 * Heap over 1,000,000 calls that all pass one long-lived caller signal (an app-wide shutdown
 * signal, say), issue 12 item 5. Node 20's `AbortSignal.any` keeps a reference to every signal
 * ever made from its source, so a client that joined the caller's signal to each attempt with
 * it grew by ≈58 bytes a call; the first row shows that leak on its own, for scale.
 *
 *   npm run bench:memory
 *   BASELINE=../other-checkout/src/index.ts npm run bench:memory   # adds the baseline client
 *
 * Heap is read after a forced GC (`--expose-gc`) at every quarter. The transport reads
 * `init.signal` as `fetch` does, so every attempt has its own AbortController. Not part of
 * `npm test`.
 */
import { type Client, type ClientOptions, createClient } from "../src/index";
import { fmt, printTable } from "./table";

const CALLS = Number(process.env.CALLS ?? 1_000_000);
const CHECKPOINTS = 4;
const upstreams = ["http://a.internal", "http://b.internal", "http://c.internal"];

type CreateClient = (options: ClientOptions) => Client;
const baseline: CreateClient | undefined =
  process.env.BASELINE === undefined
    ? undefined
    : ((await import(process.env.BASELINE)) as { createClient: CreateClient }).createClient;

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --expose-gc (npm run bench:memory does)");

const empty = new Response(null);
// Null body: what the heap holds per call, without any response body.
const nullBody = async (_input: string | URL | Request, init?: RequestInit) => {
  init?.signal;
  return empty;
};
// A fresh body per call, read by the caller: the relay links each body weakly.
const freshBody = async (_input: string | URL | Request, init?: RequestInit) => {
  init?.signal;
  return new Response("ok");
};

// A loop of awaits that never yields to the event loop never ends V8's microtask checkpoint,
// and the targets of WeakRefs made during it stay alive until it does (as the spec lets
// them). Real callers wait for I/O; this yields as often as I/O would.
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

async function heapMb(): Promise<number> {
  await yieldToLoop();
  gc!();
  return process.memoryUsage().heapUsed / (1024 * 1024);
}

/** Heap growth (MB) at each checkpoint of CALLS calls made by `call` on one signal. */
async function measure(call: (signal: AbortSignal) => Promise<void>): Promise<number[]> {
  const signal = new AbortController().signal;
  for (let i = 0; i < 10_000; i++) await call(signal); // warm up
  const start = await heapMb();
  const growth: number[] = [];
  const step = CALLS / CHECKPOINTS;
  for (let done = 0; done < CALLS; done += step) {
    for (let i = 0; i < step; i++) {
      await call(signal);
      if (i % 100 === 99) await yieldToLoop();
    }
    growth.push((await heapMb()) - start);
  }
  return growth;
}

const rows: Array<[string, (signal: AbortSignal) => Promise<void>]> = [
  [
    "AbortSignal.any([signal, new signal]) alone",
    async (signal) => {
      AbortSignal.any([signal, new AbortController().signal]);
    },
  ],
];
for (const [suffix, create] of [
  ["", createClient],
  [" (baseline)", baseline],
] as const) {
  if (create === undefined) continue;
  const plain = create({ upstreams, fetch: nullBody });
  rows.push([
    `client, null bodies${suffix}`,
    async (signal) => {
      await plain.fetch("/x", { signal });
    },
  ]);
  // A returned body's total deadline is a weak timer, dropped once the body is collected
  // (next row); without a total deadline there is none.
  const reading = create({ upstreams, fetch: freshBody, timeout: { total: false } });
  rows.push([
    `client, bodies read, timeout.total off${suffix}`,
    async (signal) => {
      await (await reading.fetch("/x", { signal })).text();
    },
  ]);
  const deadlines = create({ upstreams, fetch: freshBody });
  rows.push([
    `client, bodies read, timeout.total 30 s (default)${suffix}`,
    async (signal) => {
      await (await deadlines.fetch("/x", { signal })).text();
    },
  ]);
}

const results: Array<[string, number[]]> = [];
for (const [name, call] of rows) results.push([name, await measure(call)]);

console.log(
  `\nHeap growth (MB, after a GC) over ${CALLS.toLocaleString()} calls on one long-lived signal, Node ${process.version}\n`,
);
const step = CALLS / CHECKPOINTS;
printTable(
  [
    "what 1 call does",
    ...Array.from({ length: CHECKPOINTS }, (_, i) => ((i + 1) * step).toLocaleString()),
    "bytes / call",
  ],
  results.map(([name, growth]) => [
    name,
    ...growth.map((mb) => fmt(mb)),
    fmt((growth.at(-1)! * 1024 * 1024) / CALLS, 1),
  ]),
);
