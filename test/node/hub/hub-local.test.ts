import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalHub, startLocalHub } from "../../../examples/hub-local";
import type { HubSnapshot } from "../../../src/protocol";

describe("startLocalHub", () => {
  let upstream: Server;
  let upstreamUrl: string;
  let hub: LocalHub;

  beforeAll(async () => {
    upstream = createServer((_req, res) => res.writeHead(204).end());
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    hub = await startLocalHub();
  }, 20_000);

  afterAll(async () => {
    await hub?.stop();
    upstream.closeAllConnections();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  });

  it("serves the hub on 127.0.0.1: config, heartbeats on the alarm, health", async () => {
    expect(hub.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${hub.url}/healthz`)).json()).toEqual({ ok: true });
    const put = await fetch(`${hub.url}/v1/services/demo/config`, {
      method: "PUT",
      headers: { authorization: `Bearer ${hub.tokens.admin}`, "content-type": "application/json" },
      body: JSON.stringify({
        upstreams: [{ url: upstreamUrl, expectedStatus: 204 }],
        heartbeat: { interval: 1_000, timeout: 500, rise: 1, fall: 1 },
      }),
    });
    expect(put.status).toBe(201);
    const read = () =>
      fetch(`${hub.url}/v1/services/demo/health`, {
        headers: { authorization: `Bearer ${hub.tokens.read}` },
      });
    // The first heartbeat comes within a second of the config; poll for it, bounded.
    let snapshot: HubSnapshot | null = null;
    for (let i = 0; i < 40; i++) {
      const res = await read();
      expect(res.status).toBe(200);
      snapshot = (await res.json()) as HubSnapshot;
      if (snapshot.upstreams[0]!.heartbeat.last) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(snapshot!.upstreams[0]).toMatchObject({
      url: upstreamUrl,
      verdict: "up",
      heartbeat: { last: { ok: true, status: 204 } },
    });
  });

  it("refuses the wrong token and stops cleanly", async () => {
    const res = await fetch(`${hub.url}/v1/services/demo/health`, {
      headers: { authorization: "Bearer nope" },
    });
    expect(res.status).toBe(401);
    await hub.stop();
    await hub.stop(); // idempotent
    await expect(fetch(`${hub.url}/healthz`)).rejects.toThrow();
  });
});

describe("startLocalHub({ direct: true })", () => {
  it("serves the Worker on its own socket, without the entry proxy, and stops cleanly", async () => {
    const hub = await startLocalHub({ direct: true });
    try {
      expect(hub.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await (await fetch(`${hub.url}/healthz`)).json()).toEqual({ ok: true });
      const put = await fetch(`${hub.url}/v1/services/direct/config`, {
        method: "PUT",
        headers: {
          authorization: `Bearer ${hub.tokens.admin}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ upstreams: ["http://127.0.0.1:1/"] }),
      });
      expect(put.status).toBe(201);
      // Miniflare's entry proxy adds a `cf` object (colo "DFW"); without it the hub falls
      // back to "local" for the caller's location, which the lease shows.
      const read = await fetch(`${hub.url}/v1/services/direct/health`, {
        headers: { authorization: `Bearer ${hub.tokens.report}` },
      });
      const snapshot = (await read.json()) as HubSnapshot;
      expect(snapshot.service).toBe("direct");
      expect(snapshot.lease?.colo).toBe("local");
    } finally {
      await hub.stop();
    }
    await expect(fetch(`${hub.url}/healthz`)).rejects.toThrow();
  }, 20_000);
});

describe("startLocalHub({ allowPrivateUpstreams: false })", () => {
  it("runs the hub as deployed: loopback upstreams are refused", async () => {
    const hub = await startLocalHub({ direct: true, allowPrivateUpstreams: false });
    try {
      const put = await fetch(`${hub.url}/v1/services/deployed/config`, {
        method: "PUT",
        headers: {
          authorization: `Bearer ${hub.tokens.admin}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ upstreams: ["http://127.0.0.1:1/"] }),
      });
      expect(put.status).toBe(400);
      expect(JSON.stringify(await put.json())).toMatch(/ALLOW_PRIVATE_UPSTREAMS=true/);
    } finally {
      await hub.stop();
    }
  }, 20_000);
});
