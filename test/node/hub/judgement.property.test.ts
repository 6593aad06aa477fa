import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  HUB_PASSIVE,
  type HubConfig,
  type HubEvidence,
  type HubUpstreamReport,
  type HubVerdict,
} from "../../../src/protocol";
import type { Judgement } from "../../../worker/model/decide";
import { globalJudgement } from "../../../worker/model/global-verdict";
import {
  recordEdgeHeartbeat,
  recordHubHeartbeat,
  recordReport,
  reevaluate,
} from "../../../worker/model/hub-reducer";
import { createHubState, type HubState } from "../../../worker/model/hub-state";
import type { WindowTotals } from "../../../worker/model/passive";
import { judgeReports, rotationFailing } from "../../../worker/model/report-signal";
import { addRotation, rotationShare } from "../../../worker/model/rotation";

// Properties of the hub's judgement functions (issue #14): total and deterministic, path
// evidence stays local, batches are summable, and one client's newest batch decides.

const VERDICTS: readonly HubVerdict[] = ["up", "down", "degraded", "unknown"];
const EVIDENCE: readonly HubEvidence[] = ["answers", "unreachable", "heartbeats"];

/** A vantage point's judgement as the reducer produces them (up never rests on unreachable). */
const vote = fc.oneof(
  fc.constant<Judgement>({ verdict: "unknown", reason: "none", evidence: null }),
  fc
    .constantFrom<HubEvidence>("answers", "heartbeats")
    .map((evidence): Judgement => ({ verdict: "up", reason: "up", evidence })),
  fc
    .constantFrom(...EVIDENCE)
    .map((evidence): Judgement => ({ verdict: "down", reason: "down", evidence })),
);
/** The hub's own vote: heartbeats only, so never resting on answers. */
const hubVote = fc.oneof(
  fc.constant<Judgement>({ verdict: "unknown", reason: "none", evidence: null }),
  fc.constant<Judgement>({ verdict: "up", reason: "up", evidence: "heartbeats" }),
  fc
    .constantFrom<HubEvidence>("heartbeats", "unreachable")
    .map((evidence): Judgement => ({ verdict: "down", reason: "down", evidence })),
);
const located = fc
  .array(vote, { maxLength: 12 })
  .map((votes) => votes.map((v, i) => ({ ...v, colo: `C${i}` })));

const count = fc.integer({ min: 0, max: 50 });
const totalsArb = fc
  .tuple(count, count, count, count)
  .map(([successes, failures, networkErrors, timeouts]): WindowTotals => {
    const failed = failures + networkErrors + timeouts;
    return { calls: successes + failed, successes, failures, networkErrors, timeouts, failed };
  });
const shareArb = fc.option(
  fc
    .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }))
    .map(([a, u]) => ({ answers: a / 2, unreachable: u / 2 })),
);
const failingArb = fc.record({
  answers: fc.boolean(),
  unreachable: fc.boolean(),
  rotation: fc.boolean(),
});

describe("global verdict properties", () => {
  it("is total and deterministic, whatever the order of the locations", () => {
    fc.assert(
      fc.property(hubVote, located, (hub, locations) => {
        const g = globalJudgement(hub, locations);
        expect(VERDICTS).toContain(g.verdict);
        expect(g.reason.length).toBeGreaterThan(0);
        if (g.verdict === "unknown") expect(g.evidence).toBeNull();
        else expect(EVIDENCE).toContain(g.evidence);
        const again = globalJudgement(hub, [...locations].reverse());
        expect([again.verdict, again.evidence]).toEqual([g.verdict, g.evidence]);
      }),
    );
  });

  it("never changes because of unreachable votes while any vantage point sees the upstream up", () => {
    const unreachable = fc.array(fc.constant(0), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(hubVote, located, unreachable, (hub, locations, extra) => {
        const ups = [hub, ...locations].filter((v) => v.verdict === "up").length;
        fc.pre(ups > 0);
        const more = extra.map((_, i) => ({
          colo: `U${i}`,
          verdict: "down" as const,
          reason: "no answer",
          evidence: "unreachable" as const,
        }));
        const before = globalJudgement(hub, locations);
        const after = globalJudgement(hub, [...locations, ...more]);
        expect([after.verdict, after.evidence]).toEqual([before.verdict, before.evidence]);
        const upstreamFails = [hub, ...locations].some(
          (v) => v.verdict === "down" && v.evidence !== "unreachable",
        );
        if (!upstreamFails) expect(after.verdict).toBe("up");
      }),
    );
  });

  it("goes down on failed answers whenever no location gets good answers, health checks or not", () => {
    fc.assert(
      fc.property(hubVote, located, (hub, locations) => {
        const failed = locations.some((l) => l.verdict === "down" && l.evidence === "answers");
        const answeredWell = locations.some((l) => l.verdict === "up" && l.evidence === "answers");
        fc.pre(failed && !answeredWell);
        expect(globalJudgement(hub, locations)).toMatchObject({
          verdict: "down",
          evidence: "answers",
        });
      }),
    );
  });
});

describe("report judgement properties", () => {
  it("is total: down rests on answers or unreachable, up on answers, unknown on nothing", () => {
    fc.assert(
      fc.property(totalsArb, shareArb, failingArb, (totals, share, was) => {
        const s = judgeReports(totals, share, was);
        if (s.verdict === "down") expect(["answers", "unreachable"]).toContain(s.evidence);
        if (s.verdict === "up") expect(s.evidence).toBe("answers");
        if (s.verdict === "unknown") expect(s.evidence).toBeNull();
        expect(s.failing.rotation).toBe(rotationFailing(share));
        const failingAny = s.failing.answers || s.failing.unreachable || s.failing.rotation;
        expect(s.verdict === "down").toBe(failingAny);
        expect(judgeReports(totals, share, was)).toEqual(s);
      }),
    );
  });

  it("lets one client's newest batch decide when it reports less often than the half-life", () => {
    const batch = fc.record({
      gap: fc.integer({ min: HUB_PASSIVE.rotationHalfLifeMs + 1, max: HUB_PASSIVE.rotationTtlMs }),
      out: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(batch, { minLength: 1, maxLength: 40 }), (batches) => {
        let rotation = null;
        let now = 0;
        for (const { gap, out } of batches) {
          now += gap;
          rotation = addRotation(
            rotation,
            { reporters: 1, answers: out ? 1 : 0, unreachable: 0 },
            now,
          );
          expect(rotationFailing(rotationShare(rotation, now))).toBe(out);
        }
      }),
    );
  });
});

describe("summable reports", () => {
  const X = "https://x.internal";
  const config: HubConfig = {
    upstreams: [{ url: X, weight: 1, healthPath: "/", expectedStatus: [200], drain: false }],
    heartbeat: { interval: 10_000, timeout: 1_000, rise: 1, fall: 1 },
  };
  const entry = fc
    .record({
      successes: count,
      failures: count,
      networkErrors: count,
      timeouts: count,
      answers: fc.integer({ min: 0, max: 1 }),
      unreachable: fc.integer({ min: 0, max: 1 }),
    })
    .map(
      (e): HubUpstreamReport => ({
        url: X,
        successes: e.successes,
        failures: e.failures,
        networkErrors: e.networkErrors,
        timeouts: e.timeouts,
        outOfRotation: { answers: e.answers, unreachable: e.answers ? 0 : e.unreachable },
        reporters: 1,
      }),
    );
  const sum = (entries: readonly HubUpstreamReport[]): HubUpstreamReport => ({
    url: X,
    successes: entries.reduce((n, e) => n + e.successes, 0),
    failures: entries.reduce((n, e) => n + e.failures, 0),
    networkErrors: entries.reduce((n, e) => n + (e.networkErrors ?? 0), 0),
    timeouts: entries.reduce((n, e) => n + e.timeouts, 0),
    outOfRotation: {
      answers: entries.reduce((n, e) => n + (e.outOfRotation?.answers ?? 0), 0),
      unreachable: entries.reduce((n, e) => n + (e.outOfRotation?.unreachable ?? 0), 0),
    },
    reporters: entries.reduce((n, e) => n + (e.reporters ?? 1), 0),
  });
  /**
   * The state as a reader sees it, plus what judging it next depends on. The rotation
   * tally is a float sum, so (a + 1) + 1 and a + 2 may differ in the last bit: compared
   * apart, to 9 digits.
   */
  const observable = (state: HubState) => {
    const { verdict, reason, evidence, locations } = state.upstreams.get(X)!;
    const exact = Object.entries(locations).map(([colo, { rotation, ...l }]) => ({ colo, ...l }));
    const rotations = Object.values(locations).map((l) => l.rotation);
    return { judged: { verdict, reason, evidence, exact }, rotations };
  };
  const sameRotations = (a: ReturnType<typeof observable>["rotations"], b: typeof a) => {
    expect(a.length).toBe(b.length);
    a.forEach((r, i) => {
      const o = b[i]!;
      expect(r?.at).toBe(o?.at);
      for (const key of ["reporters", "answers", "unreachable"] as const)
        expect(r?.[key] ?? 0).toBeCloseTo(o?.[key] ?? 0, 9);
    });
  };

  it("judges a relay's merged batch exactly like its parts applied one after the other", () => {
    const flush = fc.array(entry, { minLength: 1, maxLength: 6 });
    const flushes = fc.array(fc.record({ at: fc.integer({ min: 1, max: 20_000 }), parts: flush }), {
      minLength: 1,
      maxLength: 6,
    });
    fc.assert(
      fc.property(flushes, (steps) => {
        const one = createHubState("svc", config, 0);
        const merged = createHubState("svc", config, 0);
        let now = 0;
        for (const { at, parts } of steps) {
          now += at;
          for (const part of parts) recordReport(one, "AAA", part, now);
          recordReport(merged, "AAA", sum(parts), now);
          reevaluate(one, now, [X], "AAA");
          reevaluate(merged, now, [X], "AAA");
          const [m, o] = [observable(merged), observable(one)];
          expect(m.judged).toEqual(o.judged);
          sameRotations(m.rotations, o.rotations);
        }
      }),
    );
  });

  it("is a fixed point: judging again at the same instant changes nothing", () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant("report" as const),
        colo: fc.constantFrom("AAA", "BBB"),
        e: entry,
      }),
      fc.record({
        kind: fc.constant("edge" as const),
        colo: fc.constantFrom("AAA", "BBB"),
        status: fc.constantFrom(200, 503, null),
      }),
      fc.record({ kind: fc.constant("hub" as const), status: fc.constantFrom(200, 503, null) }),
    );
    const timed = fc.array(fc.tuple(fc.integer({ min: 0, max: 15_000 }), op), { maxLength: 30 });
    fc.assert(
      fc.property(timed, (ops) => {
        const state = createHubState("svc", config, 0);
        let now = 0;
        for (const [gap, o] of ops) {
          now += gap;
          if (o.kind === "report") recordReport(state, o.colo, o.e, now);
          else if (o.kind === "edge")
            recordEdgeHeartbeat(state, o.colo, { url: X, status: o.status, latencyMs: 5 }, now);
          else recordHubHeartbeat(state, { url: X, status: o.status, latencyMs: 5 }, now);
          reevaluate(state, now);
          expect(reevaluate(state, now)).toEqual([]);
        }
      }),
    );
  });
});
