import { afterEach, describe, expect, it } from "vitest";
import { createClient } from "../../src/index";
import { ManualClock } from "../../src/testing/index";
import { type LocalServer, startServer, until } from "./helpers/local-server";

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("hedge against a real server on 127.0.0.1", () => {
  it("closes the losing attempt's connection and streams the winner's body untouched", async () => {
    // The first request never answers; every later one does.
    server = await startServer((req, res) => {
      if (server!.requests.length === 1) return new Promise<void>(() => {});
      res.end(`answer to ${req.url}`);
    });
    const clock = new ManualClock(0);
    const client = createClient({
      // Two upstreams on one server, told apart by their base paths.
      upstreams: [`${server.url}/a`, `${server.url}/b`],
      clock,
      balancer: "round-robin",
      hedge: { delay: 30, budget: false },
    });
    const pending = client.fetch("/item");
    await until(() => server!.requests.length === 1);
    await clock.advanceAsync(29);
    expect(server.requests).toHaveLength(1);
    await clock.advanceAsync(1);
    await until(() => server!.requests.length === 2);
    const res = await pending;
    expect(await res.text()).toBe(`answer to ${server.requests[1]!.url}`);
    expect(server.requests.map((r) => r.url).sort()).toEqual(["/a/item", "/b/item"]);
    await until(() => server!.abandoned === 1);
    expect(clock.pendingTimers).toBe(0);
    await client.close();
  });

  it("never hedges a POST without an idempotency key", async () => {
    server = await startServer((_req, res) => {
      setTimeout(() => res.end("created"), 20);
    });
    const clock = new ManualClock(0);
    const client = createClient({
      upstreams: [`${server.url}/a`, `${server.url}/b`],
      clock,
      hedge: { delay: 1, budget: false },
    });
    const pending = client.fetch("/charge", { method: "POST", body: "{}" });
    await until(() => server!.requests.length === 1);
    await clock.advanceAsync(1_000);
    expect(await (await pending).text()).toBe("created");
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.body).toBe("{}");
    await client.close();
  });
});
