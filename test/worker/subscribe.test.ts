import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { HubPush } from "../../src/protocol";
import { call, configure, hubOf, setSwitch, TOKENS, uniqueService, upstream } from "./helpers";

const heartbeat = { interval: 60_000, timeout: 500, rise: 1, fall: 1 };

/** Opens a subscription and queues what arrives. */
async function subscribe(service: string) {
  const res = await call("GET", `/v1/services/${service}/subscribe`, {
    token: TOKENS.read,
    headers: { upgrade: "websocket" },
  });
  expect(res.status).toBe(101);
  const ws = res.webSocket!;
  const queue: string[] = [];
  const waiters: ((m: string) => void)[] = [];
  ws.addEventListener("message", (e) => {
    const data = e.data as string;
    const waiter = waiters.shift();
    if (waiter) waiter(data);
    else queue.push(data);
  });
  ws.accept();
  const next = () =>
    new Promise<string>((resolve, reject) => {
      const queued = queue.shift();
      if (queued !== undefined) return resolve(queued);
      const timer = setTimeout(() => reject(new Error("no message within 2 s")), 2_000);
      waiters.push((m) => {
        clearTimeout(timer);
        resolve(m);
      });
    });
  return { ws, next, queue };
}

describe("subscribe", () => {
  it("sends the snapshot on connect and a new one when a verdict changes", async () => {
    const service = uniqueService("ws");
    const name = service;
    await configure(service, { upstreams: [upstream(`/switch/${name}`)], heartbeat });
    const { ws, next, queue } = await subscribe(service);
    const hello = JSON.parse(await next()) as HubPush;
    expect(hello.type).toBe("snapshot");
    expect(hello.snapshot.upstreams[0]!.verdict).toBe("unknown");

    await runDurableObjectAlarm(hubOf(service));
    const up = JSON.parse(await next()) as HubPush;
    expect(up.snapshot.upstreams[0]!.verdict).toBe("up");

    // A round that changes no verdict pushes nothing.
    await runDurableObjectAlarm(hubOf(service));
    await setSwitch(name, 500);
    await runDurableObjectAlarm(hubOf(service));
    const down = JSON.parse(await next()) as HubPush;
    expect(down.snapshot.upstreams[0]!.verdict).toBe("down");
    expect(down.snapshot.version).toBeGreaterThan(up.snapshot.version + 1);
    expect(queue).toEqual([]);
    ws.close(1000, "done");
  });

  it("answers ping with pong", async () => {
    const service = uniqueService("ws");
    await configure(service, { upstreams: [upstream("/status/200")], heartbeat });
    const { ws, next } = await subscribe(service);
    await next(); // the snapshot
    ws.send("ping");
    expect(await next()).toBe("pong");
    ws.close(1000);
  });

  it("answers a plain GET with 426", async () => {
    const service = uniqueService("ws");
    await configure(service, { upstreams: [upstream("/status/200")], heartbeat });
    const res = await call("GET", `/v1/services/${service}/subscribe`, { token: TOKENS.read });
    expect(res.status).toBe(426);
    expect(await res.json()).toEqual({ error: "expected a WebSocket upgrade" });
  });

  it("requires a token to subscribe", async () => {
    const res = await call("GET", `/v1/services/${uniqueService()}/subscribe`, {
      headers: { upgrade: "websocket" },
    });
    expect(res.status).toBe(401);
  });
});
