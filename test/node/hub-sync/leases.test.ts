import { describe, expect, it } from "vitest";
import { A, B, eventsOf, syncEnvs } from "./setup";

const envs = syncEnvs();

const lease = (id = "lease-1") => ({
  id,
  colo: "AMS",
  expiresAt: Date.now() + 12_000,
  timeout: 500,
  targets: [
    { url: A, probeUrl: `${A}/healthz`, expectedStatus: [200] },
    { url: B, probeUrl: `${B}/healthz`, expectedStatus: [200, 204] },
  ],
});

describe("hubSync edge heartbeats under a probe lease", () => {
  it("probes the lease's targets through the client's transport and posts the results at once", async () => {
    const env = await envs.start();
    env.hub.lease = lease();
    env.behaviour[B] = "refuse";
    await env.settle();
    // Probes are real attempts on this client's transport: the same path the calls take.
    expect(env.calls[A]).toBe(1);
    expect(env.calls[B]).toBe(1);
    expect(eventsOf(env.events, "lease")).toEqual([
      expect.objectContaining({ id: "lease-1", targets: 2, ok: 1 }),
    ]);
    const [report] = env.hub.reports();
    expect(report!.body.heartbeats).toEqual({
      leaseId: "lease-1",
      results: [
        { url: A, status: 200, latencyMs: 0 },
        { url: B, status: null, latencyMs: 0, error: expect.stringMatching(/ECONNREFUSED/) },
      ],
    });
    expect(env.clock.now()).toBe(1_000_000);
  });

  it("learns its location from a lease when no colo is configured", async () => {
    const env = await envs.start();
    env.hub.lease = lease();
    await env.settle();
    env.hub.upstreams[0] = {
      url: A,
      verdict: "up",
      locations: { AMS: { verdict: "down", breakerHint: "open", reportedAt: Date.now() } },
    };
    env.hub.version = 2;
    await env.advance(2_000);
    expect(env.client.stats().upstreams[0]!.hub).toMatchObject({
      scope: "location",
      verdict: "down",
    });
  });

  it("times probes out at the lease's timeout", async () => {
    const env = await envs.start();
    env.hub.lease = lease();
    env.behaviour[A] = "hang";
    await env.settle();
    await env.advance(500);
    const results = (env.hub.reports()[0]!.body.heartbeats as { results: unknown[] }).results;
    expect(results[0]).toEqual({
      url: A,
      status: null,
      latencyMs: 500,
      error: "timed out after 500 ms",
    });
  });

  it("sends the outcomes again without the heartbeats when the hub says the lease is not ours", async () => {
    const env = await envs.start({ reportInterval: 60_000 });
    await env.settle();
    await env.call();
    env.hub.lease = lease();
    env.hub.nextReportStatuses = [409];
    await env.advance(2_000);
    expect(env.hub.reports()).toHaveLength(2);
    expect(env.hub.reports()[0]!.body).toHaveProperty("heartbeats");
    const second = env.hub.reports()[1]!.body;
    expect(second).not.toHaveProperty("heartbeats");
    expect(second.upstreams).toHaveLength(1);
    expect(eventsOf(env.events, "report")).toHaveLength(1);
  });
});
