import { Agent, request } from "node:http";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { LocalHub } from "../../examples/hub-local";
import { startWranglerHub } from "../../examples/hub-wrangler";
import type { HubSnapshot } from "../../src/protocol";

type Reply = { status: number | string; body: string };

/**
 * Sends `size` bytes of a JSON-looking body with `Transfer-Encoding: chunked` (no
 * Content-Length) in 16 KiB writes, the way a streaming client uploads, and reads the reply.
 * A connection error resolves as `{ status: "error CODE" }` so a round reports every outcome.
 */
function upload(
  base: string,
  path: string,
  method: string,
  token: string,
  size: number,
  agent: Agent,
) {
  return new Promise<Reply>((resolve) => {
    const url = new URL(path, base);
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method,
        agent,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => {
          body += d;
        });
        res.on("end", () => resolve({ status: res.statusCode!, body }));
        res.on("error", (e) => resolve({ status: `error ${e.message}`, body }));
      },
    );
    req.on("error", (e: NodeJS.ErrnoException) =>
      resolve({ status: `error ${e.code ?? e.message}`, body: "" }),
    );
    const head = Buffer.from('{"upstreams":[{"url":"http://127.0.0.1:9/a","pad":"');
    const pad = Buffer.alloc(16 * 1024, 0x78);
    let sent = 0;
    const write = () => {
      while (sent < size) {
        const chunk = sent === 0 ? head : pad.subarray(0, Math.min(pad.length, size - sent));
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", write);
      }
      req.end();
    };
    write();
  });
}

const errorBody = (reply: Reply) => {
  try {
    return (JSON.parse(reply.body) as { error?: unknown }).error;
  } catch {
    return `not JSON: ${reply.body.slice(0, 80)}`;
  }
};

// Found by trying the hub as a new user would (issue 14): under `wrangler dev`, a chunked
// upload over the 64 KiB limit got a 503 "Your worker restarted mid-request", a reset or an
// empty 413, and so did the next write and the small reports in flight beside it. The body
// reader cancelled the stream at the limit; the runtime then dropped the connection.
describe("oversized chunked uploads under wrangler dev", () => {
  let hub: LocalHub;
  const service = "chunked";
  const small = JSON.stringify({
    upstreams: [{ url: "http://127.0.0.1:9/a", successes: 1, failures: 0, timeouts: 0 }],
  });
  const auth = (token: string) => ({
    authorization: `Bearer ${token}`,
    "content-type": "application/json",
  });
  const smallReport = async (): Promise<Reply> => {
    try {
      const res = await fetch(`${hub.url}/v1/services/${service}/reports`, {
        method: "POST",
        headers: auth(hub.tokens.report),
        body: small,
      });
      return { status: res.status, body: await res.text() };
    } catch (err) {
      return { status: `error ${(err as Error).cause ?? err}`, body: "" };
    }
  };

  beforeAll(async () => {
    hub = await startWranglerHub();
    const res = await fetch(`${hub.url}/v1/services/${service}/config`, {
      method: "PUT",
      headers: auth(hub.tokens.admin),
      body: JSON.stringify({
        upstreams: ["http://127.0.0.1:9/a"],
        heartbeat: { interval: 60_000 },
      }),
    });
    expect(res.status).toBe(201);
  }, 60_000);
  afterAll(() => hub?.stop());

  it("answers each with a JSON 413 and leaves the connection, the next write and concurrent reports working", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 2 });
    let accepted = 0;
    try {
      for (let round = 0; round < 4; round++) {
        const replies = await Promise.all([
          upload(
            hub.url,
            `/v1/services/${service}/reports`,
            "POST",
            hub.tokens.report,
            1_500_000,
            agent,
          ),
          upload(
            hub.url,
            `/v1/services/${service}/config`,
            "PUT",
            hub.tokens.admin,
            2_000_000,
            agent,
          ),
          ...Array.from({ length: 5 }, smallReport),
        ]);
        // The next write right after, on the same keep-alive connections as the uploads.
        const next = await upload(
          hub.url,
          `/v1/services/${service}/reports`,
          "POST",
          hub.tokens.report,
          100,
          agent,
        );
        const seen = replies.map((r) => `${r.status} ${errorBody(r)}`);
        expect(seen, `round ${round}`).toEqual([
          "413 body exceeds 65536 bytes",
          "413 body exceeds 65536 bytes",
          ...Array.from({ length: 5 }, () => "202 undefined"),
        ]);
        // 100 bytes of an unfinished JSON document: refused as invalid JSON, not dropped.
        expect(`${next.status} ${errorBody(next)}`, `round ${round}`).toBe("400 invalid JSON");
        accepted += 5;
      }
    } finally {
      agent.destroy();
    }
    // Every accepted report is counted: through the location's relay (flushed within a
    // second) and the location's copy of the snapshot (a second or two more).
    const calls = async () => {
      const health = await fetch(`${hub.url}/v1/services/${service}/health`, {
        headers: auth(hub.tokens.read),
      });
      return ((await health.json()) as HubSnapshot).upstreams[0]!.calls;
    };
    await vi.waitFor(async () => expect(await calls()).toBe(accepted), {
      timeout: 15_000,
      interval: 200,
    });
  }, 120_000);
});
