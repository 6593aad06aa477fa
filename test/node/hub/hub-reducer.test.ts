import { describe, expect, it } from "vitest";
import { HUB_PASSIVE, type HubConfig } from "../../../src/protocol";
import {
  applyConfig,
  recordEdgeHeartbeat,
  recordHubHeartbeat,
  recordReport,
  reevaluate,
} from "../../../worker/model/hub-reducer";
import { createHubState } from "../../../worker/model/hub-state";
import { LOCATION_RETENTION_MS } from "../../../worker/model/judge-location";
import { buildSnapshot } from "../../../worker/model/snapshot";

const A = "https://a.internal";
const B = "https://b.internal";
const config = (...urls: string[]): HubConfig => ({
  upstreams: urls.map((url) => ({
    url,
    weight: 1,
    healthPath: "/",
    expectedStatus: [200, 204],
    drain: false,
  })),
  heartbeat: { interval: 10_000, timeout: 1_000, rise: 1, fall: 2 },
});
const ok = (url: string) => ({ url, status: 200, latencyMs: 10 });
const bad = (url: string) => ({ url, status: 503, latencyMs: 5 });

describe("hub heartbeats", () => {
  it("judges results against expectedStatus and reports the track's flips as events", () => {
    const state = createHubState("svc", config(A), 0);
    const first = recordHubHeartbeat(state, { url: A, status: 204, latencyMs: 8 }, 1_000);
    expect(first.heartbeat).toEqual({ at: 1_000, ok: true, status: 204, latencyMs: 8 });
    expect(first.event).toMatchObject({ upstream: A, scope: "hub", from: "unknown", to: "up" });
    expect(recordHubHeartbeat(state, bad(A), 2_000).event).toBeNull();
    const down = recordHubHeartbeat(
      state,
      { url: A, status: null, latencyMs: 1_000, error: "timed out" },
      3_000,
    );
    expect(down.heartbeat).toMatchObject({ ok: false, status: null, error: "timed out" });
    expect(down.event).toMatchObject({ from: "up", to: "down" });
    expect(down.event!.reason).toBe("2 heartbeats failed in a row (last: timed out)");
  });

  it("moves the global verdict on reevaluation and logs it", () => {
    const state = createHubState("svc", config(A), 0);
    recordHubHeartbeat(state, ok(A), 1_000);
    const events = reevaluate(state, 1_000);
    expect(events).toEqual([
      {
        at: 1_000,
        upstream: A,
        scope: "global",
        kind: "verdict",
        from: "unknown",
        to: "up",
        reason: "up from 1 of 1 vantage points",
      },
    ]);
    expect(reevaluate(state, 1_001)).toEqual([]);
  });

  it("forgets the hub's verdict once its heartbeats are stale", () => {
    const state = createHubState("svc", config(A), 0);
    recordHubHeartbeat(state, ok(A), 1_000);
    reevaluate(state, 1_000);
    const events = reevaluate(state, 1_000 + 31_001 + 1);
    expect(events.map((e) => `${e.scope}:${e.to}`)).toEqual(["global:unknown"]);
  });
});

describe("locations", () => {
  it("judges a location from its reports and its leased heartbeats; failed answers anywhere take the upstream down", () => {
    const state = createHubState("svc", config(A), 0);
    recordReport(state, "AMS", { url: A, successes: 2, failures: 8, timeouts: 0 }, 1_000);
    recordEdgeHeartbeat(state, "SIN", ok(A), 1_000);
    const events = reevaluate(state, 1_000);
    expect(events.map((e) => `${e.scope}:${e.from}>${e.to}`)).toEqual([
      "AMS:unknown>down",
      "SIN:unknown>up",
      "global:unknown>down",
    ]);
    const u = state.upstreams.get(A)!;
    expect(u.locations.AMS!.reason).toBe(
      "reports: answer failure rate 0.80 over 10 answered calls",
    );
    expect(u.locations.SIN!.edgeLast).toMatchObject({ ok: true });
  });

  it("averages latency per location and overall", () => {
    const state = createHubState("svc", config(A), 0);
    recordReport(
      state,
      "AMS",
      {
        url: A,
        successes: 4,
        failures: 0,
        timeouts: 0,
        latency: { count: 4, sumMs: 80, maxMs: 30 },
      },
      1_000,
    );
    recordReport(
      state,
      "AMS",
      {
        url: A,
        successes: 1,
        failures: 0,
        timeouts: 0,
        latency: { count: 1, sumMs: 40, maxMs: 40 },
      },
      1_000 + 1e9,
    );
    const u = state.upstreams.get(A)!;
    expect(u.locations.AMS!.ewma!.value).toBeCloseTo(40);
    expect(u.ewma!.value).toBeCloseTo(40);
  });

  it("after a report judges only the reporting location; the others keep their verdict until a full pass", () => {
    const state = createHubState("svc", config(A), 0);
    for (const colo of ["AMS", "FRA"])
      recordReport(state, colo, { url: A, successes: 10, failures: 0, timeouts: 0 }, 1_000);
    reevaluate(state, 1_000);
    const u = state.upstreams.get(A)!;
    expect([u.locations.AMS!.verdict, u.locations.FRA!.verdict, u.verdict]).toEqual([
      "up",
      "up",
      "up",
    ]);
    // Both locations' reports have left the window; AMS reports failures.
    const later = 1_000 + HUB_PASSIVE.windowMs + HUB_PASSIVE.bucketMs;
    recordReport(state, "AMS", { url: A, successes: 0, failures: 10, timeouts: 0 }, later);
    const events = reevaluate(state, later, [A], "AMS");
    expect(events.map((e) => `${e.scope}:${e.from}>${e.to}`)).toEqual([
      "AMS:up>down",
      "global:up>degraded",
    ]);
    expect(u.locations.FRA!.verdict).toBe("up");
    expect(reevaluate(state, later).map((e) => `${e.scope}:${e.from}>${e.to}`)).toEqual([
      "FRA:up>unknown",
      "global:degraded>down",
    ]);
  });

  it("forgets a location with nothing to say for an hour", () => {
    const state = createHubState("svc", config(A), 0);
    recordReport(state, "AMS", { url: A, successes: 10, failures: 0, timeouts: 0 }, 1_000);
    reevaluate(state, 1_000);
    reevaluate(state, 1_000 + LOCATION_RETENTION_MS);
    expect(Object.keys(state.upstreams.get(A)!.locations)).toEqual(["AMS"]);
    reevaluate(state, 2_000 + LOCATION_RETENTION_MS);
    expect(state.upstreams.get(A)!.locations).toEqual({});
  });
});

describe("config changes", () => {
  it("keeps history for upstreams that stay, starts new ones fresh, drops removed ones and revokes leases", () => {
    const state = createHubState("svc", config(A, B), 0);
    recordHubHeartbeat(state, ok(A), 1_000);
    state.leases.set("AMS", { id: "x", colo: "AMS", grantedAt: 0, expiresAt: 1e9 });
    const { removed } = applyConfig(state, config("https://c.internal", A), 2_000);
    expect(removed).toEqual([B]);
    expect([...state.upstreams.keys()]).toEqual(["https://c.internal", A]);
    expect(state.upstreams.get(A)!.hub.verdict).toBe("up");
    expect(state.leases.size).toBe(0);
  });
});

describe("snapshot", () => {
  it("lists upstreams in config order with totals over their locations and the freshness TTL", () => {
    const state = createHubState("svc", config(A, B), 0);
    recordReport(state, "AMS", { url: A, successes: 9, failures: 1, timeouts: 0 }, 1_000);
    recordReport(state, "SIN", { url: A, successes: 5, failures: 0, timeouts: 5 }, 1_000);
    recordHubHeartbeat(state, ok(B), 1_000);
    reevaluate(state, 1_000);
    state.version = 7;
    const snap = buildSnapshot(state, 1_500);
    expect(snap).toMatchObject({
      service: "svc",
      version: 7,
      generatedAt: 1_500,
      ttlMs: 31_000,
      heartbeat: config().heartbeat,
    });
    expect(snap.upstreams.map((u) => u.url)).toEqual([A, B]);
    const a = snap.upstreams[0]!;
    // SIN's timeouts are about its path: SIN is down, the upstream is not (before #11 this
    // was "degraded", half-open for everyone).
    expect(a).toMatchObject({
      calls: 20,
      successRate: 0.7,
      verdict: "up",
      evidence: "answers",
      breakerHint: "closed",
      drain: false,
      weight: 1,
    });
    expect(a.locations.SIN).toMatchObject({
      verdict: "down",
      evidence: "unreachable",
      breakerHint: "open",
      calls: 10,
      failures: 0,
      networkErrors: 0,
      timeouts: 5,
      successRate: 0.5,
      outOfRotation: { answers: 0, unreachable: 0 },
      reportedAt: 1_000,
    });
    const b = snap.upstreams[1]!;
    expect(b).toMatchObject({ verdict: "up", calls: 0, successRate: null, latencyEwmaMs: 10 });
    expect(b.heartbeat).toMatchObject({
      verdict: "up",
      okStreak: 1,
      last: { ok: true, at: 1_000 },
    });
    expect(b.availability).toMatchObject({ upMs: 500, availability: 1 });
    expect(snap.lease).toBeUndefined();
  });
});
