import { describe, expect, it } from "vitest";
import { createClient } from "../../src/index";
import { scriptedClient as setup } from "./helpers/scripted-fetch";

describe("client lifecycle", () => {
  it("resolves every close() once the calls in flight have settled, not only the last", async () => {
    const { clock, sent, client } = setup();
    const pending = client.fetch("/");
    await clock.advanceAsync(0);
    let first = false;
    let second = false;
    void client.close().then(() => {
      first = true;
    });
    void client.close().then(() => {
      second = true;
    });
    sent[0]!.respond(200);
    await pending;
    await clock.advanceAsync(0);
    expect(second).toBe(true);
    expect(first).toBe(true);
  });
});

describe("a long-lived caller signal", () => {
  it("gains no listener per call, yet still cancels a body after the headers", async () => {
    // getEventListeners exists since Node 15; @types/node 20 leaves it out of its typings.
    const { getEventListeners } = (await import("node:events")) as unknown as {
      getEventListeners(target: EventTarget, type: string): unknown[];
    };
    const { startServer } = await import("./helpers/local-server");
    const server = await startServer((req, res) => {
      if (req.url === "/stream") {
        res.write("first chunk");
        return; // the body never ends unless the client goes away
      }
      res.end("ok");
    });
    const client = createClient({ upstreams: [server.url], timeout: { attempt: 5_000 } });
    const shutdown = new AbortController();
    for (let i = 0; i < 50; i++) {
      await (await client.fetch("/", { signal: shutdown.signal })).text();
    }
    expect(getEventListeners(shutdown.signal, "abort").length).toBeLessThanOrEqual(1);

    const res = await client.fetch("/stream", { signal: shutdown.signal });
    const reader = res.body!.getReader();
    await reader.read();
    shutdown.abort(new Error("shutting down"));
    await expect(reader.read()).rejects.toThrow("shutting down");
    await client.close();
    await server.close();
  });
});

describe("buffering a streamed request body for replay", () => {
  function stalledBody(onCancel: (reason: unknown) => void): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("part"));
        // …and nothing more: the uploader stalled.
      },
      cancel: onCancel,
    });
  }

  it("stops on the caller's abort, cancels the stream and sends nothing", async () => {
    const { clock, sent, client } = setup();
    const controller = new AbortController();
    let cancelled: unknown;
    const body = stalledBody((reason) => {
      cancelled = reason;
    });
    const init = { method: "PUT", body, duplex: "half", signal: controller.signal };
    const outcome = client.fetch("/", init as RequestInit).catch((e: unknown) => e);
    await clock.advanceAsync(10);
    const reason = new Error("user gave up");
    controller.abort(reason);
    expect(await outcome).toBe(reason);
    expect(cancelled).toBe(reason);
    expect(sent).toHaveLength(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it("stops at the total deadline with a TimeoutError", async () => {
    const { clock, sent, client } = setup({ timeout: { total: 500 } });
    let cancelled = false;
    const body = stalledBody(() => {
      cancelled = true;
    });
    const init = { method: "PUT", body, duplex: "half" };
    const outcome = client.fetch("/", init as RequestInit).catch((e: unknown) => e);
    await clock.advanceAsync(500);
    expect(await outcome).toMatchObject({ name: "TimeoutError", limit: "total" });
    expect(cancelled).toBe(true);
    expect(sent).toHaveLength(0);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe("the total deadline after a slow body", () => {
  it("still ends the call at the deadline when buffering the body used most of it", async () => {
    const { clock, sent, client } = setup({ timeout: { attempt: 1_000, total: 500 } });
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        clock.setTimeout(() => {
          controller.enqueue(new TextEncoder().encode("late body"));
          controller.close();
        }, 400);
      },
    });
    const outcome = client
      .fetch("/", { method: "PUT", body, duplex: "half" } as RequestInit)
      .catch((e: unknown) => e);
    await clock.advanceAsync(400);
    expect(sent).toHaveLength(1);
    await clock.advanceAsync(100);
    expect(await outcome).toMatchObject({ name: "TimeoutError", limit: "total" });
  });
});
