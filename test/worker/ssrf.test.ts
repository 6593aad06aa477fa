import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { HubError, HubSnapshot } from "../../src/protocol";
import type { HealthHub } from "../../worker/objects/health-hub";
import { direct } from "./direct-call";
import { call, configure, hits, hubOf, TOKENS, uniqueService, upstream } from "./helpers";

const heartbeat = { interval: 60_000, timeout: 500, rise: 1, fall: 1 };

/** The Worker as deployed: the same bindings without ALLOW_PRIVATE_UPSTREAMS. */
async function deployed(method: string, path: string, body?: unknown): Promise<Response> {
  const { ALLOW_PRIVATE_UPSTREAMS: _, ...bindings } = env;
  const request = new Request(`http://hub.test${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKENS.admin}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return direct(request, bindings as typeof env);
}

describe("upstream URLs the hub refuses (SSRF)", () => {
  it.each([
    "http://169.254.169.254/latest/meta-data",
    "http://[fd00:ec2::254]",
    "http://0xa9fea9fe",
    "http://2852039166",
    "http://0251.0376.0251.0376",
    "http://169.254.43518",
    "http://[::ffff:169.254.169.254]",
    "http://metadata.google.internal/computeMetadata/v1",
    "http://[fe80::1]",
    "http://0x7f000001",
    "http://0.0.0.0",
  ])("refuses %s with 400 and leaves the service unconfigured", async (url) => {
    const service = uniqueService("ssrf");
    const res = await call("PUT", `/v1/services/${service}/config`, {
      token: TOKENS.admin,
      body: { upstreams: [upstream("/status/200"), { url }] },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as HubError;
    expect(body.issues?.map((i) => i.path)).toEqual(["upstreams.1.url"]);
    const health = await call("GET", `/v1/services/${service}/health`, { token: TOKENS.read });
    expect(health.status).toBe(404);
  });

  it("refuses loopback and private upstreams where ALLOW_PRIVATE_UPSTREAMS is not set", async () => {
    const service = uniqueService("ssrf");
    for (const url of [
      upstream("/status/200"),
      "http://localhost:8080",
      "http://10.1.2.3",
      "http://[::1]",
    ]) {
      const res = await deployed("PUT", `/v1/services/${service}/config`, { upstreams: [url] });
      expect(res.status, url).toBe(400);
      const body = (await res.json()) as HubError;
      expect(body.error).toBe("invalid request");
      expect(body.issues).toEqual([
        { path: "upstreams.0.url", message: expect.stringMatching(/ALLOW_PRIVATE_UPSTREAMS=true/) },
      ]);
    }
    const health = await call("GET", `/v1/services/${service}/health`, { token: TOKENS.read });
    expect(health.status).toBe(404);
  });

  it("never heartbeats a private upstream once the environment stops allowing it", async () => {
    const service = uniqueService("ssrf");
    const path = `/status/200/${service}`;
    await configure(service, { upstreams: [upstream(path)], heartbeat });
    const stub = hubOf(service);
    await runInDurableObject(stub, (hub: HealthHub) => {
      const { ALLOW_PRIVATE_UPSTREAMS: _, ...bindings } = env;
      (hub as unknown as { env: typeof bindings }).env = bindings;
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await hits(path)).toEqual([]);
    const res = await call("GET", `/v1/services/${service}/health`, { token: TOKENS.read });
    const last = ((await res.json()) as HubSnapshot).upstreams[0]!.heartbeat.last;
    expect(last).toMatchObject({ ok: false, status: null });
    expect(last!.error).toMatch(/ALLOW_PRIVATE_UPSTREAMS=true/);
  });

  it("hands out probe leases for the configured upstreams only", async () => {
    const service = uniqueService("ssrf");
    const urls = [upstream(`/a/${service}`), upstream(`/b/${service}`)];
    await configure(service, {
      upstreams: [urls[0]!, { url: urls[1]!, healthPath: "/hc" }],
      heartbeat,
    });
    const res = await call("GET", `/v1/services/${service}/health?colo=AMS`, {
      token: TOKENS.report,
    });
    const lease = ((await res.json()) as HubSnapshot).lease!;
    expect(lease.targets.map((t) => [t.url, t.probeUrl])).toEqual([
      [urls[0], urls[0]],
      [urls[1], `${urls[1]}/hc`],
    ]);
  });
});
