import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { bundleWorker, localHubTokens, readCompatibilityDate } from "../../examples/hub-local";

// examples/hub-worker.ts, bundled from the project that installed the npm tarball, runs in
// workerd next to the hub Worker, which it reaches through a service binding: every hub
// request it makes is its own request's I/O, handed to that request's waitUntil.

const SERVICE = "payments";
const tokens = localHubTokens();

interface Upstream {
  url: string;
  hits: number;
  server: Server;
}

async function upstream(): Promise<Upstream> {
  const state = { url: "", hits: 0, server: undefined as unknown as Server };
  state.server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (!req.url?.startsWith("/health")) state.hits++;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
  });
  await new Promise<void>((resolve) => state.server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(state.server.address() as AddressInfo).port}`;
  return state;
}

let mf: Miniflare;
let dir: string;
let x: Upstream;
let y: Upstream;
const runtimeOutput: string[] = [];

async function configure(drainX: boolean): Promise<void> {
  const res = await mf.dispatchFetch(`http://hub.test/v1/services/${SERVICE}/config`, {
    method: "PUT",
    headers: { authorization: `Bearer ${tokens.admin}`, "content-type": "application/json" },
    body: JSON.stringify({
      // Health checks (the hub's and the edge's) on their own path, not counted as calls.
      upstreams: [
        { url: x.url, drain: drainX, healthPath: "/health" },
        { url: y.url, healthPath: "/health" },
      ],
      heartbeat: { interval: 1_000, timeout: 500 },
    }),
  });
  expect(res.status).toBeLessThan(300);
  await res.arrayBuffer();
}

async function snapshot(): Promise<{
  upstreams: Array<{ url: string; locations: Record<string, { calls: number }> }>;
}> {
  const res = await mf.dispatchFetch(`http://hub.test/v1/services/${SERVICE}/health`, {
    headers: { authorization: `Bearer ${tokens.read}` },
  });
  return res.json() as never;
}

/** `n` requests at once to the app Worker; returns their statuses. */
async function wave(n: number): Promise<number[]> {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const res = await mf.dispatchFetch(`http://app.test/v1/items/${i}`);
      await res.arrayBuffer();
      return res.status;
    }),
  );
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  const { consumerDir } = inject("runtimePackage");
  [x, y] = await Promise.all([upstream(), upstream()]);
  const [hubScript, appScript, compatibilityDate] = await Promise.all([
    bundleWorker(),
    bundleWorker("examples/hub-worker.ts", consumerDir),
    readCompatibilityDate(),
  ]);
  dir = await mkdtemp(join(tmpdir(), "resilient-fetch-hub-binding-"));
  mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    durableObjectsPersist: dir,
    handleRuntimeStdio(stdout: Readable, stderr: Readable) {
      stdout.on("data", (chunk: Buffer) => runtimeOutput.push(String(chunk)));
      stderr.on("data", (chunk: Buffer) => runtimeOutput.push(String(chunk)));
    },
    workers: [
      {
        name: "app",
        modules: [{ type: "ESModule", path: "app.js", contents: appScript }],
        compatibilityDate,
        bindings: {
          UPSTREAMS: `${x.url},${y.url}`,
          HUB_SERVICE: SERVICE,
          HUB_REPORT_TOKEN: tokens.report,
        },
        serviceBindings: { HUB: "hub" },
      },
      {
        name: "hub",
        // Reached from the test (config, snapshots) at this host; the app uses its binding.
        routes: ["hub.test/*"],
        modules: [{ type: "ESModule", path: "hub.js", contents: hubScript }],
        compatibilityDate,
        durableObjects: { HUB: { className: "HealthHub", useSQLite: true } },
        bindings: {
          HUB_READ_TOKEN: tokens.read,
          HUB_REPORT_TOKEN: tokens.report,
          HUB_ADMIN_TOKEN: tokens.admin,
          // The upstreams here are on 127.0.0.1.
          ALLOW_PRIVATE_UPSTREAMS: "true",
        },
      },
    ],
  });
  await mf.ready;
  await configure(false);
}, 60_000);

afterAll(async () => {
  await mf?.dispose();
  await Promise.all([x, y].map((u) => u && new Promise((resolve) => u.server.close(resolve))));
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("examples/hub-worker.ts in workerd, the hub as a service binding", () => {
  it("syncs through waitUntil across many concurrent requests, with no cross-request I/O", async () => {
    // A fresh isolate's first requests all arrive at once: one starts the first refresh, the
    // others never await its I/O.
    const statuses: number[] = [];
    for (let round = 0; round < 6; round++) {
      statuses.push(...(await wave(25)));
      await pause(500);
    }
    expect(statuses.every((status) => status === 200)).toBe(true);
    // One more request after a report interval sends the last batch (no timers between
    // requests), through the binding: the hub then counts every call of the waves.
    await pause(2_100);
    await wave(1);
    const reported = async () => {
      const seen = await snapshot();
      const calls = seen.upstreams.flatMap((u) =>
        Object.values(u.locations).map((location) => location.calls),
      );
      return calls.reduce((sum, n) => sum + n, 0);
    };
    for (let i = 0; i < 50 && (await reported()) < statuses.length; i++) await pause(100);
    expect(await reported()).toBeGreaterThanOrEqual(statuses.length);
    const output = runtimeOutput.join("");
    expect(output).not.toMatch(/different request/i);
    expect(output).not.toMatch(/Uncaught|unhandled/i);
  }, 60_000);

  it("stops new calls to an upstream within a refresh of its drain at the hub", async () => {
    await configure(true);
    const drainedAt = Date.now();
    // Requests keep coming; the first one after the refresh interval picks the drain up.
    let lastHit = x.hits;
    let lastHitAt = drainedAt;
    for (let round = 0; round < 12; round++) {
      expect(await wave(10)).toEqual(Array(10).fill(200));
      if (x.hits !== lastHit) {
        lastHit = x.hits;
        lastHitAt = Date.now();
      }
      await pause(300);
    }
    // Default refresh interval 2 s, plus the request that picks it up.
    console.log(
      `drain: last call to the drained upstream ${lastHitAt - drainedAt} ms after the change`,
    );
    expect(lastHitAt - drainedAt).toBeLessThan(3_500);
    const before = x.hits;
    await wave(20);
    expect(x.hits).toBe(before);
    expect(runtimeOutput.join("")).not.toMatch(/different request/i);
  }, 60_000);
});
