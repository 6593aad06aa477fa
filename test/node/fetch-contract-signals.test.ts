import { spawn } from "node:child_process";
import { getEventListeners } from "node:events";
import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createClient, type FetchLike, TimeoutError } from "../../src/index";
import { ManualClock } from "../../src/testing/index";
import { closedAfterEach, startServer, until } from "./helpers/local-server";
import { scriptedClient } from "./helpers/scripted-fetch";

// Issue 12, items 2, 4 and 5: the signal a user's own `fetch` receives, the total deadline
// while the body is read, and relaying a long-lived caller signal.

const server = closedAfterEach(startServer);
afterEach(() => {
  vi.restoreAllMocks();
});

/** The usual way to wrap fetch: copy init with spread syntax and add a header. */
const spreading: FetchLike = (url, init) =>
  fetch(url, { ...init, headers: { ...(init?.headers as object), "x-wrapped": "1" } });

const hang = () => new Promise<void>(() => {});

/** Headers now, then the body stalls after one chunk until the connection closes. */
function stalledBody(_req: unknown, res: ServerResponse): void {
  res.writeHead(200, { "content-type": "text/plain" });
  res.write("first ");
}

describe("a user's fetch that spreads init", () => {
  it("receives the attempt's signal as an own property", async () => {
    const a = await server();
    const seen: RequestInit[] = [];
    const client = createClient({
      upstreams: [a.url],
      fetch: (url, init) => {
        seen.push({ ...init });
        return fetch(url, init);
      },
    });
    await (await client.fetch("/", { signal: new AbortController().signal })).text();
    expect(seen[0]!.signal).toBeInstanceOf(AbortSignal);
    await client.close();
  });

  it("closes the socket of a timed-out attempt", async () => {
    const a = await server(hang);
    const client = createClient({
      upstreams: [a.url],
      fetch: spreading,
      retry: false,
      timeout: { attempt: 50 },
    });
    await expect(client.fetch("/")).rejects.toBeInstanceOf(TimeoutError);
    await until(() => a.abandoned === 1);
    expect(a.requests[0]!.headers["x-wrapped"]).toBe("1");
    await client.close();
  });

  it("closes the socket when the caller aborts", async () => {
    const a = await server(hang);
    const client = createClient({ upstreams: [a.url], fetch: spreading });
    const controller = new AbortController();
    const pending = client.fetch("/", { signal: controller.signal });
    await until(() => a.requests.length === 1);
    controller.abort(new Error("stop"));
    await expect(pending).rejects.toThrow("stop");
    await until(() => a.abandoned === 1);
    await client.close();
  });

  it("closes the socket of a losing hedge", async () => {
    const slow = await server(hang);
    const fast = await server((_req, res) => res.end("fast"));
    const client = createClient({
      upstreams: [slow.url, fast.url],
      fetch: spreading,
      retry: false,
      hedge: { delay: 20, budget: false },
    });
    const res = await client.fetch(`${slow.url}/`);
    expect(await res.text()).toBe("fast");
    await until(() => slow.abandoned === 1);
    await client.close();
  });
});

describe("timeout.total covers the body", () => {
  it("aborts a body that stalls past the total deadline", async () => {
    const a = await server(stalledBody);
    const clock = new ManualClock(0);
    const client = createClient({ upstreams: [a.url], clock, timeout: { total: 2_000 } });
    const res = await client.fetch("/");
    const text = res.text().catch((e: unknown) => e);
    expect([clock.pendingTimers, clock.weakTimers]).toEqual([0, 1]);
    await clock.advanceAsync(1_999);
    expect(a.abandoned).toBe(0);
    await clock.advanceAsync(1);
    const error = await text;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ limit: "total", timeoutMs: 2_000, attempts: 1 });
    await until(() => a.abandoned === 1);
    expect(clock.weakTimers).toBe(0);
    await client.close();
  });

  it("leaves a body read in time alone, and no timer once the deadline passed", async () => {
    const a = await server((_req, res) => res.end("whole"));
    const clock = new ManualClock(0);
    const client = createClient({ upstreams: [a.url], clock, timeout: { total: 2_000 } });
    const res = await client.fetch("/");
    expect(await res.text()).toBe("whole");
    await clock.advanceAsync(2_000);
    expect([clock.pendingTimers, clock.weakTimers]).toEqual([0, 0]);
    expect(a.abandoned).toBe(0);
    await client.close();
  });

  it("keeps the attempt timeout to the headers: a slow body outlives it", async () => {
    let finish: () => void = () => {};
    const a = await server((_req, res) => {
      res.writeHead(200);
      res.write("slow ");
      finish = () => res.end("body");
    });
    const clock = new ManualClock(0);
    const client = createClient({
      upstreams: [a.url],
      clock,
      timeout: { attempt: 100, total: false },
    });
    const res = await client.fetch("/");
    const text = res.text();
    await clock.advanceAsync(1_000);
    finish();
    expect(await text).toBe("slow body");
    await client.close();
  });

  it("does not keep the process alive while a returned body's deadline is pending", async () => {
    const a = await server((_req, res) => res.end("ok"));
    // A child process makes one call with a 60 s total deadline and reads the body: it must
    // exit on its own, long before the deadline (it is killed after 20 s otherwise).
    const script = `
      import { createClient } from "./src/index.ts";
      const client = createClient({ upstreams: [${JSON.stringify(a.url)}], timeout: { total: 60_000 } });
      console.log(await (await client.fetch("/")).text());`;
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", script],
      {
        cwd: process.cwd(),
        stdio: ["ignore", "pipe", "inherit"],
        timeout: 20_000,
      },
    );
    let output = "";
    child.stdout.on("data", (data) => {
      output += data;
    });
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
      child.on("exit", (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
    );
    expect({ code, signal, output: output.trim() }).toEqual({
      code: 0,
      signal: null,
      output: "ok",
    });
  }, 30_000);
});

describe("a runtime without WeakRef (workerd before enable_weak_ref)", () => {
  /** Answers at once with a body that stalls after one chunk until its signal aborts. */
  const stalling: FetchLike = async (_url, init) => {
    const signal = init!.signal!;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("first "));
        signal.addEventListener("abort", () => controller.error(signal.reason));
      },
    });
    return new Response(body);
  };

  it("still aborts a stalled body at the total deadline, and a caller signal breaks nothing", async () => {
    vi.stubGlobal("WeakRef", undefined);
    vi.resetModules();
    try {
      const lib = await import("../../src/index");
      const clock = new ManualClock(0);
      const client = lib.createClient({
        upstreams: ["http://a.test"],
        clock,
        fetch: stalling,
        timeout: { total: 2_000 },
      });
      const shutdown = new AbortController();
      const res = await client.fetch("/", { signal: shutdown.signal });
      const text = res.text().catch((e: unknown) => e);
      await clock.advanceAsync(2_000);
      expect(await text).toMatchObject({ name: "TimeoutError", limit: "total" });
      shutdown.abort();
      await client.close();
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
  });
});

describe("a long-lived caller signal", () => {
  it("relays its abort without AbortSignal.any and with one listener for all calls", async () => {
    const a = await server((_req, res) => res.end("ok"));
    const any = vi.spyOn(AbortSignal, "any");
    const client = createClient({ upstreams: [a.url] });
    const shutdown = new AbortController();
    for (let i = 0; i < 50; i++) {
      await (await client.fetch("/", { signal: shutdown.signal })).text();
    }
    expect(getEventListeners(shutdown.signal, "abort")).toHaveLength(1);
    expect(any).not.toHaveBeenCalled();
    await client.close();
  });

  it("aborts exactly the calls still in flight on it, whichever finished first", async () => {
    const { clock, sent, client } = scriptedClient({ retry: false });
    const shutdown = new AbortController();
    const calls = Array.from({ length: 6 }, (_, i) =>
      client.fetch(`/${i}`, { signal: shutdown.signal }).then(
        (res) => res.status,
        (error: unknown) => (error as Error).message,
      ),
    );
    await clock.advanceAsync(0);
    for (const i of [4, 1, 0]) sent[i]!.respond(200);
    await clock.advanceAsync(0);
    shutdown.abort(new Error("shutting down"));
    expect(await Promise.all(calls)).toEqual([
      200,
      200,
      "shutting down",
      "shutting down",
      200,
      "shutting down",
    ]);
  });

  it("still errors a body being read when the long-lived signal aborts", async () => {
    const a = await server(stalledBody);
    const client = createClient({ upstreams: [a.url] });
    const shutdown = new AbortController();
    for (let i = 0; i < 20; i++) {
      const controller = new AbortController();
      const res = await client.fetch("/", { signal: controller.signal });
      controller.abort();
      await res.text().catch(() => {});
    }
    const res = await client.fetch("/", { signal: shutdown.signal });
    const text = res.text().catch((e: unknown) => e);
    shutdown.abort(new Error("shutting down"));
    expect(await text).toMatchObject({ message: "shutting down" });
    await until(() => a.abandoned === 21);
    await client.close();
  });
});
