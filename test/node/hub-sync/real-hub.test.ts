import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type LocalHub, startLocalHub } from "../../../examples/hub-local";
import { type HubSyncEvent, type HubSyncOptions, hubSync } from "../../../src/hub/index";
import { type Client, createClient, type FetchLike } from "../../../src/index";
import type { HubSnapshot } from "../../../src/protocol";
import { type LocalServer, startServer } from "../helpers/local-server";

// Issue #11's two semantics end to end: the hub Worker in workerd (Miniflare, local SQLite
// Durable Object), real upstream servers on 127.0.0.1, clients on the system clock.

let hub: LocalHub;
let x: LocalServer;
let y: LocalServer;
let service = 0;
let name = "";

beforeAll(async () => {
  hub = await startLocalHub();
  // X: its API answers 503, its health path 200 (so the hub's own heartbeats pass).
  x = await startServer((req, res) => {
    res.writeHead(req.url.startsWith("/health") ? 200 : 503).end("x");
  });
  y = await startServer((_req, res) => res.writeHead(200).end("y"));
}, 30_000);

afterAll(async () => {
  await Promise.all([hub?.stop(), x?.close(), y?.close()]);
});

beforeEach(async () => {
  name = `svc-${++service}`;
  const put = await fetch(`${hub.url}/v1/services/${name}/config`, {
    method: "PUT",
    headers: { authorization: `Bearer ${hub.tokens.admin}`, "content-type": "application/json" },
    body: JSON.stringify({
      upstreams: [{ url: x.url, healthPath: "/health" }, y.url],
      heartbeat: { interval: 1_000, timeout: 500, rise: 1, fall: 1 },
    }),
  });
  expect(put.status).toBe(201);
  // The hub's own heartbeats see both up before any client reports.
  await until(async () => {
    const snapshot = await readSnapshot();
    return snapshot.upstreams.every((u) => u.verdict === "up");
  }, 10_000);
});

/** Polls an async condition (real time), bounded. */
async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number) {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function readSnapshot() {
  const res = await fetch(`${hub.url}/v1/services/${name}/health`, {
    headers: { authorization: `Bearer ${hub.tokens.read}` },
  });
  return (await res.json()) as HubSnapshot;
}

function client(colo: string, options: { fetch?: FetchLike; sync?: Partial<HubSyncOptions> } = {}) {
  const events: HubSyncEvent[] = [];
  const created = createClient({
    upstreams: [x.url, y.url],
    retry: false,
    outlier: false,
    fetch: options.fetch,
    health: hubSync({
      hub: hub.url,
      service: name,
      token: hub.tokens.report,
      colo,
      // Generous for a loaded test machine; the bound itself is tested elsewhere.
      firstSync: 3_000,
      ...options.sync,
    }),
  });
  created.on("hub", (event) => events.push(event));
  return { client: created, events };
}

/** Sends `n` calls one after another (to `path`); returns how many went to X. */
async function callsToX(c: Client, n: number, path = "/api"): Promise<number> {
  const before = c.stats().upstreams[0]!.requests;
  for (let i = 0; i < n; i++) {
    try {
      await (await c.fetch(path)).text();
    } catch {
      // Refused, or no upstream left: counted by the client all the same.
    }
  }
  return c.stats().upstreams[0]!.requests - before;
}

/** Client A calls X by its URL (the first attempt goes there) until its breaker opens. */
async function tripOnX(c: Client) {
  await until(async () => {
    await callsToX(c, 1, `${x.url}/api`);
    return c.stats().upstreams[0]!.state === "open";
  }, 10_000);
}

describe("shared health through the real hub", () => {
  it("an upstream answering 503 to a client in AAA gets no calls from a fresh client in BBB", async () => {
    const a = client("AAA");
    // A calls X until its breaker takes X out; the trip is reported at once.
    await tripOnX(a.client);
    // The trip goes to the hub at once, within one report (no interval waited for).
    await until(async () => (await readSnapshot()).upstreams[0]!.verdict === "down", 5_000);
    expect((await readSnapshot()).upstreams[0]!).toMatchObject({ evidence: "answers" });

    const b = client("BBB");
    expect(await callsToX(b.client, 20)).toBe(0);
    expect(b.client.stats().upstreams[0]!.hub).toMatchObject({ verdict: "down", scope: "global" });
    await Promise.all([a.client.close(), b.client.close()]);
  }, 30_000);

  it("an upstream refusing only a client in AAA stays in use from BBB", async () => {
    // A's transport cannot reach X (its connections are refused); everyone else can.
    const refusesX: FetchLike = (input, init) =>
      String(input).startsWith(x.url)
        ? Promise.reject(
            new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED") }),
          )
        : fetch(input, init);
    // X answers its API well for this test.
    const route = x.route;
    x.route = (_req, res) => res.writeHead(200).end("x");
    try {
      const a = client("AAA", { fetch: refusesX });
      await tripOnX(a.client);
      await until(
        async () => (await readSnapshot()).upstreams[0]!.locations.AAA?.verdict === "down",
        5_000,
      );
      const snapshot = await readSnapshot();
      expect(snapshot.upstreams[0]!.locations.AAA).toMatchObject({
        verdict: "down",
        evidence: "unreachable",
      });
      expect(snapshot.upstreams[0]!.verdict).toBe("up");

      const b = client("BBB");
      expect(await callsToX(b.client, 20)).toBeGreaterThan(0);
      // A fresh client in AAA goes by AAA's verdict: X is unreachable from there.
      const a2 = client("AAA", { fetch: refusesX });
      expect(await callsToX(a2.client, 20)).toBe(0);
      expect(a2.client.stats().upstreams[0]!.hub).toMatchObject({
        verdict: "down",
        scope: "location",
      });
      await Promise.all([a.client.close(), b.client.close(), a2.client.close()]);
    } finally {
      x.route = route;
    }
  }, 30_000);
});
