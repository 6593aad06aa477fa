/**
 * Pieces of `npm run bench:sync` (bench/sync.ts): upstream servers on 127.0.0.1, a hub that
 * is broken on purpose, configuring the real one, and a caller loop.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { LocalHub } from "../examples/hub-local";
import { type HubSyncEvent, type HubSyncOptions, hubSync } from "../src/hub/index";
import { type Client, type ClientOptions, createClient } from "../src/index";

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface TestServer {
  url: string;
  /** Calls (not health checks) received. */
  calls: number;
  lastCallAt: number;
  status: number;
  close(): Promise<void>;
}

export async function serve(status = 200): Promise<TestServer> {
  const state: TestServer = { url: "", calls: 0, lastCallAt: 0, status, close: async () => {} };
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith("/health")) return void res.writeHead(200).end("ok");
    state.calls++;
    state.lastCallAt = performance.now();
    res.writeHead(state.status).end("x");
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  };
  return state;
}

let services = 0;
export async function configure(hub: LocalHub, upstreams: unknown[]): Promise<string> {
  const service = `bench-${++services}`;
  await put(hub, service, upstreams);
  return service;
}
export async function put(hub: LocalHub, service: string, upstreams: unknown[]): Promise<void> {
  const res = await fetch(`${hub.url}/v1/services/${service}/config`, {
    method: "PUT",
    headers: { authorization: `Bearer ${hub.tokens.admin}`, "content-type": "application/json" },
    body: JSON.stringify({ upstreams }),
  });
  if (!res.ok) throw new Error(`config: ${res.status} ${await res.text()}`);
}
export async function globalVerdict(hub: LocalHub, service: string): Promise<string> {
  const res = await fetch(`${hub.url}/v1/services/${service}/health`, {
    headers: { authorization: `Bearer ${hub.tokens.read}` },
  });
  return ((await res.json()) as { upstreams: Array<{ verdict: string }> }).upstreams[0]!.verdict;
}

export function syncClient(
  upstreams: string[],
  sync: HubSyncOptions,
  options: Partial<ClientOptions> = {},
) {
  const events: HubSyncEvent[] = [];
  const client = createClient({ upstreams, retry: false, ...options, health: hubSync(sync) });
  client.on("hub", (event) => events.push(event));
  return { client, events };
}

/** Calls `path` every `everyMs` until `stop()`; resolves with the calls' latencies and errors. */
export function drive(client: Client, path: string, everyMs: number, concurrency = 1) {
  let running = true;
  const latencies: number[] = [];
  let errors = 0;
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) {
      const started = performance.now();
      try {
        const res = await client.fetch(path);
        await res.arrayBuffer();
        if (res.status >= 500) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - started);
      if (everyMs > 0) await sleep(everyMs);
    }
  });
  return {
    /** Calls made so far. */
    count: () => latencies.length,
    async stop() {
      running = false;
      await Promise.all(loops);
      return { latencies, errors };
    },
  };
}

export const percentile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};

/** How a stand-in hub is broken. */
export type Broken = "stopped" | "slow (5 s)" | "500" | "invalid JSON";
export async function brokenHub(mode: Broken): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_req, res) => {
    if (mode === "slow (5 s)") return void setTimeout(() => res.writeHead(200).end("{}"), 5_000);
    if (mode === "500") return void res.writeHead(500).end('{"error":"internal error"}');
    res.writeHead(200, { "content-type": "application/json", etag: '"1"' }).end("{not json");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  if (mode === "stopped") await close();
  return { url, close: mode === "stopped" ? async () => {} : close };
}
