import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { HubError, HubSnapshot } from "../../src/protocol";
import type { HubState } from "../../worker/model/hub-state";
import type { HealthHub } from "../../worker/objects/health-hub";
import {
  call,
  configure,
  hubOf,
  report,
  snapshot,
  TOKENS,
  uniqueService,
  upstream,
} from "./helpers";

const heartbeat = { interval: 60_000, timeout: 1_000, rise: 1, fall: 1 };

async function healthAs(service: string, token: string, colo: string): Promise<HubSnapshot> {
  const res = await call("GET", `/v1/services/${service}/health?colo=${colo}`, { token });
  expect(res.status).toBe(200);
  return (await res.json()) as HubSnapshot;
}

/** Reaches into the object's state: the only way to move a lease's clock in a test. */
function withState(service: string, change: (state: HubState) => void): Promise<void> {
  return runInDurableObject(hubOf(service), (hub: HealthHub) =>
    change((hub as unknown as { state: HubState }).state),
  );
}

describe("probe leases", () => {
  it("hands one lease per location to callers that may report", async () => {
    const service = uniqueService("lease");
    const url = upstream("/status/200");
    await configure(service, { upstreams: [{ url, healthPath: "/ping" }], heartbeat });
    const first = await healthAs(service, TOKENS.report, "AMS");
    expect(first.lease).toMatchObject({
      colo: "AMS",
      timeout: 1_000,
      targets: [{ url, probeUrl: `${url}/ping`, expectedStatus: [200] }],
    });
    expect(first.lease!.expiresAt).toBeGreaterThan(first.generatedAt);
    expect((await healthAs(service, TOKENS.report, "AMS")).lease).toBeUndefined();
    expect((await healthAs(service, TOKENS.admin, "AMS")).lease).toBeUndefined();
    const other = await healthAs(service, TOKENS.report, "SIN");
    expect(other.lease?.colo).toBe("SIN");
    expect(other.lease?.id).not.toBe(first.lease!.id);
  });

  it("never hands a lease to a read-only caller", async () => {
    const service = uniqueService("lease");
    await configure(service, { upstreams: [upstream("/status/200")], heartbeat });
    expect((await healthAs(service, TOKENS.read, "AMS")).lease).toBeUndefined();
    expect((await healthAs(service, TOKENS.report, "AMS")).lease).toBeDefined();
  });

  it("counts results posted under the lease as that location's heartbeats", async () => {
    const service = uniqueService("lease");
    const a = upstream("/status/200");
    const b = upstream("/status/503");
    await configure(service, { upstreams: [a, b], heartbeat });
    const { lease } = await healthAs(service, TOKENS.report, "AMS");
    const res = await report(service, {
      colo: "AMS",
      heartbeats: {
        leaseId: lease!.id,
        results: [
          { url: a, status: 200, latencyMs: 12 },
          { url: b, status: 503, latencyMs: 3 },
        ],
      },
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ accepted: { upstreams: 0, heartbeats: 2 } });
    const snap = await snapshot(service);
    expect(snap.upstreams[0]!.locations.AMS).toMatchObject({
      verdict: "up",
      lastHeartbeat: { ok: true, status: 200, latencyMs: 12 },
    });
    expect(snap.upstreams[1]!.locations.AMS).toMatchObject({
      verdict: "down",
      breakerHint: "open",
      lastHeartbeat: { ok: false, status: 503 },
    });
    // The only vote on b is AMS's: down.
    expect(snap.upstreams[1]!.verdict).toBe("down");
  });

  it("hands no new lease for a location until its heartbeats are an interval old", async () => {
    const service = uniqueService("lease");
    const a = upstream("/status/200");
    await configure(service, { upstreams: [a], heartbeat });
    const { lease } = await healthAs(service, TOKENS.report, "AMS");
    await report(service, {
      colo: "AMS",
      heartbeats: { leaseId: lease!.id, results: [{ url: a, status: 200, latencyMs: 1 }] },
    });
    expect((await healthAs(service, TOKENS.report, "AMS")).lease).toBeUndefined();
    await withState(service, (s) => {
      s.upstreams.get(a)!.locations.AMS!.edge.lastAt! -= heartbeat.interval;
    });
    expect((await healthAs(service, TOKENS.report, "AMS")).lease?.colo).toBe("AMS");
  });

  it("hands the job to another caller once a lease expires unused", async () => {
    const service = uniqueService("lease");
    await configure(service, { upstreams: [upstream("/status/200")], heartbeat });
    const first = (await healthAs(service, TOKENS.report, "AMS")).lease!;
    await withState(service, (s) => {
      s.leases.get("AMS")!.expiresAt = Date.now() - 1;
    });
    const second = (await healthAs(service, TOKENS.report, "AMS")).lease!;
    expect(second.id).not.toBe(first.id);
  });

  it.each([
    [
      "an unknown lease id",
      (id: string) => ({ colo: "AMS", leaseId: `${id}x` }),
      "lease id does not match",
    ],
    [
      "another location",
      (id: string) => ({ colo: "FRA", leaseId: id }),
      "no lease is held for this location",
    ],
  ])("refuses results under %s with 409 and records nothing", async (_name, make, error) => {
    const service = uniqueService("lease");
    const a = upstream("/status/200");
    await configure(service, { upstreams: [a], heartbeat });
    const { lease } = await healthAs(service, TOKENS.report, "AMS");
    const { colo, leaseId } = make(lease!.id);
    const before = await snapshot(service);
    const res = await report(service, {
      colo,
      upstreams: [{ url: a, successes: 5, failures: 0, timeouts: 0 }],
      heartbeats: { leaseId, results: [{ url: a, status: 200, latencyMs: 1 }] },
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as HubError).error).toBe(error);
    const after = await snapshot(service);
    expect(after.version).toBe(before.version);
    expect(after.upstreams[0]!.locations).toEqual({});
  });

  it("refuses results posted after the lease expired with 409", async () => {
    const service = uniqueService("lease");
    const a = upstream("/status/200");
    await configure(service, { upstreams: [a], heartbeat });
    const { lease } = await healthAs(service, TOKENS.report, "AMS");
    await withState(service, (s) => {
      s.leases.get("AMS")!.expiresAt = Date.now() - 1;
    });
    const res = await report(service, {
      colo: "AMS",
      heartbeats: { leaseId: lease!.id, results: [{ url: a, status: 200, latencyMs: 1 }] },
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as HubError).error).toBe("lease expired");
  });

  it("revokes outstanding leases when the config changes", async () => {
    const service = uniqueService("lease");
    const a = upstream("/status/200");
    await configure(service, { upstreams: [a], heartbeat });
    const { lease } = await healthAs(service, TOKENS.report, "AMS");
    await configure(service, { upstreams: [a, upstream("/status/204")], heartbeat });
    const res = await report(service, {
      colo: "AMS",
      heartbeats: { leaseId: lease!.id, results: [{ url: a, status: 200, latencyMs: 1 }] },
    });
    expect(res.status).toBe(409);
  });
});
