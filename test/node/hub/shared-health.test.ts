import { describe, expect, it } from "vitest";
import { HUB_PASSIVE, type HubConfig, type HubUpstreamReport } from "../../../src/protocol";
import {
  applyConfig,
  recordEdgeHeartbeat,
  recordHubHeartbeat,
  recordReport,
  reevaluate,
} from "../../../worker/model/hub-reducer";
import { createHubState, type HubState } from "../../../worker/model/hub-state";
import { buildSnapshot } from "../../../worker/model/snapshot";

// The two semantics of issue #11 on the pure reducer: an upstream answering 5xx to one
// location is avoided everywhere, one unreachable from one location stays usable elsewhere.
const X = "https://x.internal";
const Y = "https://y.internal";
const config = (drain = false): HubConfig => ({
  upstreams: [
    { url: X, weight: 1, healthPath: "/healthz", expectedStatus: [200], drain },
    { url: Y, weight: 1, healthPath: "/healthz", expectedStatus: [200], drain: false },
  ],
  heartbeat: { interval: 10_000, timeout: 1_000, rise: 1, fall: 1 },
});
const healthy = { url: X, status: 200, latencyMs: 5 };
const entry = (fields: Partial<HubUpstreamReport>): HubUpstreamReport => ({
  url: X,
  successes: 0,
  failures: 0,
  timeouts: 0,
  ...fields,
});

/** A client's batch after its breaker opened on five 503s. */
const trip = entry({ failures: 5, outOfRotation: { answers: 1, unreachable: 0 } });

/** A service whose own heartbeats (health path answering 200) say X is up. */
function hubSeesUp(): HubState {
  const state = createHubState("svc", config(), 0);
  recordHubHeartbeat(state, healthy, 1_000);
  reevaluate(state, 1_000);
  expect(state.upstreams.get(X)!.verdict).toBe("up");
  return state;
}

/** Records one batch from `colo` and judges it as the Durable Object does. */
function report(state: HubState, colo: string, e: HubUpstreamReport, now: number) {
  recordReport(state, colo, e, now);
  return reevaluate(state, now, [e.url], colo);
}

const view = (state: HubState, now: number) => buildSnapshot(state, now).upstreams[0]!;

describe("an upstream answering 5xx to one location", () => {
  it("goes down globally on one client's breaker trip there, while the hub's heartbeats pass", () => {
    const state = hubSeesUp();
    const events = report(state, "AAA", trip, 2_000);
    const x = view(state, 2_000);
    expect(x.locations.AAA).toMatchObject({ verdict: "down", evidence: "answers" });
    expect(x).toMatchObject({ verdict: "down", evidence: "answers", breakerHint: "open" });
    expect(x.heartbeat.verdict).toBe("up");
    // A fresh client in BBB has no location verdict of its own: it goes by the global one.
    expect(x.locations.BBB).toBeUndefined();
    expect(events.map((e) => `${e.scope}:${e.to}`)).toContain("global:down");
  });

  it("goes down globally on failure counts alone once they reach minCalls", () => {
    const state = hubSeesUp();
    report(state, "AAA", entry({ successes: 2, failures: HUB_PASSIVE.minCalls }), 2_000);
    expect(view(state, 2_000)).toMatchObject({ verdict: "down", evidence: "answers" });
  });

  it("recovers on the batch in which that client's half-open probe succeeded", () => {
    const state = hubSeesUp();
    const out = { outOfRotation: { answers: 1, unreachable: 0 } };
    report(state, "AAA", entry({ failures: 5, ...out }), 2_000);
    report(state, "AAA", entry(out), 4_000);
    report(state, "AAA", entry(out), 6_000);
    expect(view(state, 6_000).verdict).toBe("down");
    report(state, "AAA", entry({ successes: 1 }), 8_000);
    const x = view(state, 8_000);
    expect(x.verdict).toBe("up");
    expect(x.breakerHint).toBe("closed");
    expect(x.locations.AAA!.verdict).not.toBe("down");
  });

  it("is degraded, not down, when another location's traffic gets good answers", () => {
    const state = hubSeesUp();
    report(state, "BBB", entry({ successes: 50 }), 1_500);
    report(state, "AAA", trip, 2_000);
    const x = view(state, 2_000);
    expect(x).toMatchObject({ verdict: "degraded", evidence: "answers", breakerHint: "half-open" });
    expect(x.locations.BBB).toMatchObject({ verdict: "up", breakerHint: "closed" });
  });

  it("weighs one client against its location: one trip among many healthy reporters is not enough", () => {
    const state = hubSeesUp();
    for (let i = 0; i < 9; i++) report(state, "AAA", entry({ successes: 20 }), 1_500 + i);
    report(state, "AAA", trip, 2_000);
    const x = view(state, 2_000);
    expect(x.locations.AAA!.verdict).toBe("up");
    expect(x.verdict).toBe("up");
  });
});

describe("an upstream unreachable from one location only", () => {
  it("is down there (unreachable) after one client's trip, and stays up and closed globally", () => {
    const state = hubSeesUp();
    report(state, "BBB", entry({ successes: 20 }), 1_500);
    const out = entry({ networkErrors: 5, outOfRotation: { answers: 0, unreachable: 1 } });
    report(state, "AAA", out, 2_000);
    const x = view(state, 2_000);
    expect(x.locations.AAA).toMatchObject({
      verdict: "down",
      evidence: "unreachable",
      breakerHint: "open",
    });
    expect(x).toMatchObject({ verdict: "up", breakerHint: "closed" });
    expect(x.locations.BBB).toMatchObject({ verdict: "up", breakerHint: "closed" });
  });

  it("does not make the upstream degraded on timeout counts next to passing heartbeats", () => {
    const state = hubSeesUp();
    report(state, "AAA", entry({ successes: 1, timeouts: 11 }), 2_000);
    const x = view(state, 2_000);
    expect(x.locations.AAA).toMatchObject({ verdict: "down", evidence: "unreachable" });
    expect(x).toMatchObject({ verdict: "up", breakerHint: "closed" });
  });

  it("does not make the upstream degraded when that location's leased heartbeats get no answer", () => {
    const state = hubSeesUp();
    recordEdgeHeartbeat(state, "AAA", { url: X, status: null, latencyMs: 1_000 }, 2_000);
    reevaluate(state, 2_000);
    const x = view(state, 2_000);
    expect(x.locations.AAA).toMatchObject({ verdict: "down", evidence: "unreachable" });
    expect(x).toMatchObject({ verdict: "up", breakerHint: "closed" });
  });

  it("is down globally when no vantage point reaches it", () => {
    const state = createHubState("svc", config(), 0);
    recordHubHeartbeat(state, { url: X, status: null, latencyMs: 1_000 }, 1_000);
    report(
      state,
      "AAA",
      entry({ timeouts: 3, outOfRotation: { answers: 0, unreachable: 1 } }),
      1_000,
    );
    expect(view(state, 1_000)).toMatchObject({ verdict: "down", evidence: "unreachable" });
  });
});

describe("drain", () => {
  it("opens every breaker hint whatever the verdicts and logs drain and undrain", () => {
    const state = hubSeesUp();
    report(state, "AAA", entry({ successes: 20 }), 1_500);
    const drained = applyConfig(state, config(true), 2_000);
    expect(drained.events).toEqual([
      expect.objectContaining({
        upstream: X,
        scope: "global",
        kind: "drain",
        from: "up",
        to: "up",
      }),
    ]);
    const x = view(state, 2_000);
    expect(x).toMatchObject({ drain: true, verdict: "up", breakerHint: "open" });
    expect(x.locations.AAA).toMatchObject({ verdict: "up", breakerHint: "open" });
    expect(buildSnapshot(state, 2_000).upstreams[1]).toMatchObject({
      drain: false,
      breakerHint: "closed",
    });
    const undrained = applyConfig(state, config(false), 3_000);
    expect(undrained.events.map((e) => e.kind)).toEqual(["undrain"]);
    expect(view(state, 3_000)).toMatchObject({ drain: false, breakerHint: "closed" });
  });
});
