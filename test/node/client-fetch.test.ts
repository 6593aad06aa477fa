import { afterEach, describe, expect, it } from "vitest";
import { createClient, isResilientError } from "../../src/index";
import { type LocalServer, refusedUrl, startServer } from "./helpers/local-server";

const servers: LocalServer[] = [];
async function server(...args: Parameters<typeof startServer>): Promise<LocalServer> {
  const started = await startServer(...args);
  servers.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe("client.fetch against real local servers", () => {
  it("resolves a relative URL against the picked upstream and keeps the query", async () => {
    const a = await server((req, res) => res.end(`a ${req.url}`));
    const client = createClient({ upstreams: [a.url] });
    const res = await client.fetch("/v1/users/42?x=1");
    expect(await res.text()).toBe("a /v1/users/42?x=1");
    await client.close();
  });

  it("joins the upstream's base path with the target", async () => {
    const a = await server((req, res) => res.end(req.url));
    const client = createClient({ upstreams: [`${a.url}/api/`] });
    expect(await (await client.fetch("v1/items")).text()).toBe("/api/v1/items");
    await client.close();
  });

  it("rotates between upstreams in proportion to their weights", async () => {
    const a = await server((_req, res) => res.end("a"));
    const b = await server((_req, res) => res.end("b"));
    const client = createClient({
      upstreams: [a.url, { url: b.url, weight: 2 }],
      balancer: "round-robin",
    });
    const bodies: string[] = [];
    for (let i = 0; i < 6; i++) bodies.push(await (await client.fetch("/")).text());
    expect(bodies.filter((b) => b === "a")).toHaveLength(2);
    expect(bodies.filter((b) => b === "b")).toHaveLength(4);
    await client.close();
  });

  it("sends an absolute URL under a configured upstream to that upstream", async () => {
    const a = await server((_req, res) => res.end("a"));
    const b = await server((_req, res) => res.end("b"));
    const client = createClient({ upstreams: [a.url, b.url] });
    for (let i = 0; i < 3; i++) expect(await (await client.fetch(`${b.url}/x`)).text()).toBe("b");
    await client.close();
  });

  it("rejects an absolute URL that is not under a configured upstream with a TypeError", async () => {
    const a = await server();
    const client = createClient({ upstreams: [a.url] });
    await expect(client.fetch("http://127.0.0.1:1/elsewhere")).rejects.toThrow(TypeError);
    await expect(client.fetch("//evil.example/x")).rejects.toThrow(
      /not under a configured upstream/,
    );
    expect(a.requests).toHaveLength(0);
    await client.close();
  });

  it("retries a 503 on the other upstream and returns its answer", async () => {
    const a = await server((_req, res) => {
      res.statusCode = 503;
      res.end("busy");
    });
    const b = await server((_req, res) => res.end("b"));
    const client = createClient({
      upstreams: [a.url, b.url],
      retry: { backoff: { initial: 1 } },
    });
    const res = await client.fetch(`${a.url}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("b");
    expect(a.requests.length + b.requests.length).toBe(2);
    await client.close();
  });

  it("fails over to another upstream after a refused connection", async () => {
    const down = await refusedUrl();
    const b = await server((_req, res) => res.end("b"));
    const client = createClient({ upstreams: [down, b.url], retry: { backoff: { initial: 1 } } });
    for (let i = 0; i < 4; i++) expect(await (await client.fetch("/")).text()).toBe("b");
    const stats = client.stats().upstreams;
    expect(stats[0]!.failures).toBeGreaterThan(0);
    expect(stats[0]!.inFlight).toBe(0);
    await client.close();
  });

  it("returns the final 5xx response once attempts are spent, like fetch would", async () => {
    const a = await server((_req, res) => {
      res.statusCode = 502;
      res.end("bad gateway");
    });
    const client = createClient({
      upstreams: [a.url],
      retry: { attempts: 3, backoff: { initial: 1 } },
    });
    const res = await client.fetch("/");
    expect(res.status).toBe(502);
    expect(await res.text()).toBe("bad gateway");
    expect(a.requests).toHaveLength(3);
    await client.close();
  });

  it("rejects with a NetworkError (a TypeError) naming the upstreams once every attempt failed", async () => {
    const down1 = await refusedUrl();
    const down2 = await refusedUrl();
    const client = createClient({ upstreams: [down1, down2], retry: { backoff: { initial: 1 } } });
    const error = await client.fetch("/").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(isResilientError(error, "NetworkError")).toBe(true);
    if (!isResilientError(error, "NetworkError")) return;
    expect(error.attempts).toBe(3);
    // Both were tried before either was tried twice, and never the same one twice in a row.
    expect(new Set(error.upstreams.slice(0, 2))).toEqual(new Set([down1, down2]));
    expect(error.upstreams[2]).toBe(error.upstreams[0]);
    // As after fetch: `cause` is the system error; the transport's own error is kept too.
    expect(error.cause).toMatchObject({ code: "ECONNREFUSED" });
    expect(error.transportError).toBeInstanceOf(TypeError);
    await client.close();
  });

  it("never retries a POST without an Idempotency-Key, and retries one with it", async () => {
    const a = await server((_req, res) => {
      res.statusCode = 503;
      res.end();
    });
    const client = createClient({ upstreams: [a.url], retry: { backoff: { initial: 1 } } });
    expect((await client.fetch("/", { method: "POST", body: "x" })).status).toBe(503);
    expect(a.requests).toHaveLength(1);
    const keyed = { method: "POST", body: "x", headers: { "Idempotency-Key": "k1" } };
    expect((await client.fetch("/", keyed)).status).toBe(503);
    expect(a.requests).toHaveLength(4);
    expect(a.requests.slice(1).map((r) => r.body)).toEqual(["x", "x", "x"]);
    await client.close();
  });

  it("replays a streamed request body on a retry", async () => {
    let calls = 0;
    const a = await server((_req, res) => {
      res.statusCode = calls++ === 0 ? 503 : 200;
      res.end();
    });
    const client = createClient({ upstreams: [a.url], retry: { backoff: { initial: 1 } } });
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("hello "));
        controller.enqueue(new TextEncoder().encode("world"));
        controller.close();
      },
    });
    const res = await client.fetch("/", { method: "PUT", body, duplex: "half" } as RequestInit);
    expect(res.status).toBe(200);
    expect(a.requests.map((r) => r.body)).toEqual(["hello world", "hello world"]);
    await client.close();
  });

  it("sends a streamed body over the buffer limit once and says so in a giveup event", async () => {
    const a = await server((_req, res) => {
      res.statusCode = 503;
      res.end();
    });
    const client = createClient({
      upstreams: [a.url],
      retry: { bodyLimit: 4, backoff: { initial: 1 } },
    });
    const reasons: string[] = [];
    client.on("giveup", (e) => reasons.push(e.reason));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("0123456789"));
        controller.close();
      },
    });
    const res = await client.fetch("/", { method: "PUT", body, duplex: "half" } as RequestInit);
    expect(res.status).toBe(503);
    expect(a.requests.map((r) => r.body)).toEqual(["0123456789"]);
    expect(reasons).toEqual(["body-not-replayable"]);
    await client.close();
  });

  it("accepts a Request as input and honours its method, headers and body", async () => {
    const a = await server((req, res) =>
      res.end(`${req.method} ${req.headers["x-id"]} ${req.body}`),
    );
    const client = createClient({ upstreams: [a.url] });
    const request = new Request(`${a.url}/r`, {
      method: "PUT",
      headers: { "x-id": "7" },
      body: "b",
    });
    expect(await (await client.fetch(request)).text()).toBe("PUT 7 b");
    await client.close();
  });

  it("close() waits for calls in flight and then refuses new calls", async () => {
    let release: () => void = () => {};
    const a = await server(
      (_req, res) =>
        new Promise<void>((resolve) => {
          release = () => {
            res.end("late");
            resolve();
          };
        }),
    );
    const client = createClient({ upstreams: [a.url] });
    const pending = client.fetch("/");
    while (a.requests.length === 0) await new Promise((r) => setTimeout(r, 2));
    let closed = false;
    const closing = client.close().then(() => {
      closed = true;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(closed).toBe(false);
    release();
    expect(await (await pending).text()).toBe("late");
    await closing;
    expect(closed).toBe(true);
    await expect(client.fetch("/")).rejects.toThrow(/closed/);
  });
});
