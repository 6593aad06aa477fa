import { exports } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { HUB_LIMITS, type HubError } from "../../src/protocol";
import { DRAIN_BYTES } from "../../worker/http/body";
import { call, configure, report, snapshot, TOKENS, uniqueService, upstream } from "./helpers";

const put = (service: string, body: unknown, headers?: Record<string, string>) =>
  call("PUT", `/v1/services/${service}/config`, { token: TOKENS.admin, body, headers });

async function expect400(res: Response, path?: string): Promise<HubError> {
  expect(res.status).toBe(400);
  const body = (await res.json()) as HubError;
  expect(typeof body.error).toBe("string");
  expect(Array.isArray(body.issues)).toBe(true);
  if (path !== undefined) expect(body.issues!.map((i) => i.path)).toContain(path);
  return body;
}

describe("config validation", () => {
  const service = uniqueService("val");

  it("rejects invalid JSON with 400 and issues", async () => {
    const body = await expect400(await put(service, "{ not json"));
    expect(body.error).toBe("invalid JSON");
  });

  it("rejects a non-JSON content type with 415", async () => {
    const res = await put(service, "upstreams=x", {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(res.status).toBe(415);
    expect(((await res.json()) as HubError).error).toMatch(/application\/json/);
  });

  it.each([
    ["ftp URL", { upstreams: ["ftp://127.0.0.1/"] }, "upstreams.0.url", /http\(s\)/],
    ["credentials", { upstreams: ["http://user:pw@127.0.0.1/"] }, "upstreams.0.url", /credentials/],
    ["fragment", { upstreams: ["http://127.0.0.1/#x"] }, "upstreams.0.url", /fragment/],
    ["query string", { upstreams: ["http://127.0.0.1/?a=1"] }, "upstreams.0.url", /query/],
    ["relative URL", { upstreams: ["/just/a/path"] }, "upstreams.0.url", /absolute/],
    [
      "protocol-relative health path",
      { upstreams: [{ url: "http://127.0.0.1", healthPath: "//evil.example/" }] },
      "upstreams.0.healthPath",
      /single \//,
    ],
    [
      "health path without slash",
      { upstreams: [{ url: "http://127.0.0.1", healthPath: "health" }] },
      "upstreams.0.healthPath",
      /single \//,
    ],
    [
      "status out of range",
      { upstreams: [{ url: "http://127.0.0.1", expectedStatus: 700 }] },
      "upstreams.0.expectedStatus",
      /./,
    ],
    [
      "zero weight",
      { upstreams: [{ url: "http://127.0.0.1", weight: 0 }] },
      "upstreams.0.weight",
      /./,
    ],
    [
      "a drain that is not a boolean",
      { upstreams: [{ url: "http://127.0.0.1", drain: "yes" }] },
      "upstreams.0.drain",
      /./,
    ],
    [
      "duplicate upstreams",
      { upstreams: ["http://127.0.0.1/a", "http://127.0.0.1/a/"] },
      "upstreams.1.url",
      /duplicate/,
    ],
    ["no upstreams", { upstreams: [] }, "upstreams", /./],
    [
      "too many upstreams",
      {
        upstreams: Array.from(
          { length: HUB_LIMITS.upstreams + 1 },
          (_, i) => `http://127.0.0.1/${i}`,
        ),
      },
      "upstreams",
      /./,
    ],
    [
      "timeout above interval",
      { upstreams: ["http://127.0.0.1"], heartbeat: { interval: 1_000, timeout: 2_000 } },
      "heartbeat.timeout",
      /exceed/,
    ],
    [
      "interval too short",
      { upstreams: ["http://127.0.0.1"], heartbeat: { interval: 10 } },
      "heartbeat.interval",
      /./,
    ],
    [
      "rise of zero",
      { upstreams: ["http://127.0.0.1"], heartbeat: { rise: 0 } },
      "heartbeat.rise",
      /./,
    ],
    ["unknown field", { upstreams: ["http://127.0.0.1"], extra: true }, "", /./],
  ])("rejects %s with 400", async (_name, body, path, message) => {
    const res = await expect400(await put(service, body), path);
    expect(res.issues!.find((i) => i.path === path)!.message).toMatch(message);
  });

  it("leaves the service unconfigured after a rejected config", async () => {
    await put(service, { upstreams: ["ftp://x"] });
    const res = await call("GET", `/v1/services/${service}/health`, { token: TOKENS.read });
    expect(res.status).toBe(404);
  });
});

describe("body limits", () => {
  const big = JSON.stringify({
    upstreams: ["http://127.0.0.1"],
    pad: "x".repeat(HUB_LIMITS.bodyBytes),
  });

  it("rejects a declared Content-Length over the limit with 413 before reading", async () => {
    const res = await call("PUT", `/v1/services/${uniqueService()}/config`, {
      token: TOKENS.admin,
      body: big,
      headers: { "content-length": String(big.length) },
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as HubError).error).toMatch(/exceeds/);
  });

  /** A JSON-looking body streamed without Content-Length; counts what the hub pulled. */
  function streamed(total: number) {
    const chunk = new TextEncoder().encode(
      `{"upstreams":["http://127.0.0.1"],"pad":"${"x".repeat(8_000)}`,
    );
    const seen = { sent: 0, cancelled: false };
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (seen.sent >= total) return controller.close();
        controller.enqueue(chunk.slice());
        seen.sent += chunk.length;
      },
      cancel() {
        seen.cancelled = true;
      },
    });
    return { body, seen };
  }
  const putStream = (body: ReadableStream<Uint8Array>) =>
    exports.default.fetch(`http://hub.test/v1/services/${uniqueService()}/config`, {
      method: "PUT",
      headers: { authorization: `Bearer ${TOKENS.admin}`, "content-type": "application/json" },
      body,
    });

  // Cancelling the rest made workerd drop the connection (under wrangler dev: a 503 for the
  // upload and for requests beside it); test/runtimes/wrangler-body.test.ts shows that.
  it("reads an oversized streamed body (no Content-Length) to its end without keeping it: 413", async () => {
    const { body, seen } = streamed(1024 * 1024);
    const res = await putStream(body);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: `body exceeds ${HUB_LIMITS.bodyBytes} bytes` });
    expect(seen.cancelled).toBe(false);
    expect(seen.sent).toBeGreaterThanOrEqual(1024 * 1024);
  });

  it("stops reading an endless streamed body at the drain bound: 413", async () => {
    const { body, seen } = streamed(Number.POSITIVE_INFINITY);
    const res = await putStream(body);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: `body exceeds ${HUB_LIMITS.bodyBytes} bytes` });
    expect(seen.sent).toBeLessThan(DRAIN_BYTES + 64 * 1024);
  });

  it("answers a body that breaks off mid-stream with 400, not a 500", async () => {
    const errors: unknown[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((...args) => errors.push(args));
    try {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"upstreams":['));
          controller.error(new Error("client went away"));
        },
      });
      const res = await putStream(body);
      // In-process the break arrives as an early end (invalid JSON); over a socket as a read
      // error ("request body ended early"). Either way a 400, and nothing logged as a failure.
      expect(res.status).toBe(400);
      expect((await res.json()) as HubError).toMatchObject({ error: expect.any(String) });
      expect(errors).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });

  it("accepts a body just under the limit", async () => {
    const upstreams = Array.from({ length: 40 }, (_, i) => ({
      url: `http://127.0.0.1/${"p".repeat(1_000)}${i}`,
    }));
    const body = JSON.stringify({ upstreams });
    expect(body.length).toBeGreaterThan(HUB_LIMITS.bodyBytes / 2);
    expect(body.length).toBeLessThan(HUB_LIMITS.bodyBytes);
    const res = await put(uniqueService(), body);
    expect(res.status).toBe(201);
  });
});

describe("report validation", () => {
  const url = upstream("/status/200");
  const ok = { url, successes: 1, failures: 0, timeouts: 0 };

  it.each([
    ["an empty batch", {}, ""],
    ["a negative count", { upstreams: [{ ...ok, failures: -1 }] }, "upstreams.0.failures"],
    ["a fractional count", { upstreams: [{ ...ok, successes: 1.5 }] }, "upstreams.0.successes"],
    ["a bad colo", { colo: "no spaces", upstreams: [ok] }, "colo"],
    [
      "too many entries",
      { upstreams: Array.from({ length: HUB_LIMITS.reportEntries + 1 }, () => ok) },
      "upstreams",
    ],
    [
      "a latency without sum",
      { upstreams: [{ ...ok, latency: { count: 1, maxMs: 3 } }] },
      "upstreams.0.latency.sumMs",
    ],
    [
      "an empty heartbeat list",
      { heartbeats: { leaseId: "x", results: [] } },
      "heartbeats.results",
    ],
    [
      "negative network errors",
      { upstreams: [{ ...ok, networkErrors: -1 }] },
      "upstreams.0.networkErrors",
    ],
    [
      "an outOfRotation without unreachable",
      { upstreams: [{ ...ok, outOfRotation: { answers: 1 } }] },
      "upstreams.0.outOfRotation.unreachable",
    ],
    [
      "more clients out of rotation than reporters",
      { upstreams: [{ ...ok, outOfRotation: { answers: 1, unreachable: 1 } }] },
      "upstreams.0.outOfRotation",
    ],
    ["zero reporters", { upstreams: [{ ...ok, reporters: 0 }] }, "upstreams.0.reporters"],
  ])("rejects %s with 400", async (_name, body, path) => {
    const service = uniqueService("rv");
    await configure(service, { upstreams: [url] });
    await expect400(await report(service, body), path);
  });

  it("accepts a v1 entry (no networkErrors, outOfRotation or reporters) and the full one", async () => {
    const service = uniqueService("rv");
    await configure(service, { upstreams: [url] });
    expect((await report(service, { colo: "AMS", upstreams: [ok] })).status).toBe(202);
    const full = {
      ...ok,
      successes: 3,
      failures: 2,
      networkErrors: 4,
      timeouts: 1,
      outOfRotation: { answers: 1, unreachable: 2 },
      reporters: 5,
    };
    expect((await report(service, { colo: "AMS", upstreams: [full] })).status).toBe(202);
    const ams = (await snapshot(service)).upstreams[0]!.locations.AMS!;
    expect(ams).toMatchObject({ calls: 11, failures: 2, networkErrors: 4, timeouts: 1 });
    expect(ams.outOfRotation).not.toBeNull();
  });

  it("rejects entries for upstreams that are not configured and changes nothing", async () => {
    const service = uniqueService("rv");
    await configure(service, { upstreams: [url] });
    const before = await snapshot(service);
    const res = await report(service, {
      upstreams: [
        { ...ok, successes: 5 },
        { url: upstream("/other"), successes: 1, failures: 0, timeouts: 0 },
      ],
    });
    const body = await expect400(res, "upstreams.1.url");
    expect(body.issues![0]!.message).toMatch(/unknown upstream/);
    const after = await snapshot(service);
    expect(after.version).toBe(before.version);
    expect(after.upstreams[0]!.calls).toBe(0);
  });
});

describe("query validation", () => {
  it("rejects a bad events limit and a bad colo with 400", async () => {
    const service = uniqueService("q");
    await configure(service, { upstreams: [upstream("/status/200")] });
    const limit = await call("GET", `/v1/services/${service}/events?limit=1000`, {
      token: TOKENS.read,
    });
    await expect400(limit, "limit");
    const colo = await call("GET", `/v1/services/${service}/health?colo=%3Cscript%3E`, {
      token: TOKENS.read,
    });
    await expect400(colo, "colo");
  });
});
