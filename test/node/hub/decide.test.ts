import { describe, expect, it } from "vitest";
import type { HubEvidence, HubVerdict } from "../../../src/protocol";
import {
  breakerHint,
  locationJudgement,
  staleAfter,
  trackJudgement,
} from "../../../worker/model/decide";
import { globalJudgement } from "../../../worker/model/global-verdict";
import { newTrack, observeHeartbeat } from "../../../worker/model/hysteresis";

const evidenceOf = (verdict: HubVerdict) => (verdict === "unknown" ? null : ("answers" as const));
const j = (verdict: HubVerdict, reason: string = verdict) => ({
  verdict,
  reason,
  evidence: verdict === "unknown" ? null : ("heartbeats" as const),
});
const loc = (colo: string, verdict: HubVerdict) => ({
  colo,
  verdict,
  reason: `${colo} ${verdict}`,
  evidence: evidenceOf(verdict),
});
const passive = (verdict: "up" | "down" | "unknown") => ({
  verdict,
  failing: verdict === "down",
  reason: `rate ${verdict}`,
  evidence: evidenceOf(verdict),
});

describe("track freshness", () => {
  const heartbeat = { interval: 10_000, timeout: 2_000 };

  it("trusts heartbeats for three intervals plus a timeout", () => {
    expect(staleAfter(heartbeat)).toBe(32_000);
    const track = observeHeartbeat(newTrack(0), true, 1_000, { rise: 1, fall: 1 });
    expect(trackJudgement(track, null, 33_000, 32_000).verdict).toBe("up");
    expect(trackJudgement(track, null, 33_001, 32_000)).toEqual({
      verdict: "unknown",
      reason: "heartbeats are stale",
      evidence: null,
    });
    expect(trackJudgement(newTrack(0), null, 1, 32_000).verdict).toBe("unknown");
  });

  it("rests a down track on unreachable when its last heartbeat got no answer", () => {
    const track = observeHeartbeat(newTrack(0), false, 1_000, { rise: 1, fall: 1 });
    const at = (status: number | null) => ({ at: 1_000, ok: false, status, latencyMs: 5 });
    expect(trackJudgement(track, at(null), 1_000, 32_000).evidence).toBe("unreachable");
    expect(trackJudgement(track, at(503), 1_000, 32_000).evidence).toBe("heartbeats");
  });
});

describe("location verdict", () => {
  it("lets either signal saying down win, the reports first", () => {
    expect(locationJudgement(j("down"), passive("up"))).toEqual({
      verdict: "down",
      reason: "heartbeats: down",
      evidence: "heartbeats",
    });
    expect(locationJudgement(j("up"), passive("down"))).toMatchObject({
      verdict: "down",
      reason: "reports: rate down",
      evidence: "answers",
    });
    expect(locationJudgement(j("down"), passive("down")).reason).toBe("reports: rate down");
  });

  it("is up when either signal says up and neither says down", () => {
    expect(locationJudgement(j("up"), passive("unknown")).verdict).toBe("up");
    expect(locationJudgement(j("unknown"), passive("up"))).toMatchObject({
      verdict: "up",
      reason: "reports: rate up",
      evidence: "answers",
    });
  });

  it("is unknown with neither signal", () => {
    expect(locationJudgement(j("unknown"), passive("unknown")).verdict).toBe("unknown");
  });
});

describe("global verdict", () => {
  const hubDownNoAnswer = {
    verdict: "down" as const,
    reason: "timed out",
    evidence: "unreachable" as const,
  };
  const at = (colo: string, verdict: HubVerdict, evidence: HubEvidence | null) => ({
    colo,
    verdict,
    reason: `${colo} ${verdict}`,
    evidence,
  });
  const unreachableAt = (colo: string) => at(colo, "down", "unreachable");

  it.each([
    ["nothing known", j("unknown"), [], "unknown"],
    ["only the hub, up", j("up"), [], "up"],
    ["only the hub, its health check failing", j("down"), [], "down"],
    ["only the hub, no answer", hubDownNoAnswer, [], "down"],
    ["all up", j("up"), [loc("AMS", "up"), loc("SIN", "up")], "up"],
    ["all down", j("down"), [loc("AMS", "down")], "down"],
    // Changed by #11: failed answers are evidence about the upstream everywhere; passing
    // health checks do not contradict them (was: degraded).
    ["failed answers at one location, hub up", j("up"), [loc("AMS", "down")], "down"],
    [
      "failed answers at one, good answers at another",
      j("up"),
      [loc("AMS", "down"), loc("SIN", "up")],
      "degraded",
    ],
    [
      "failed answers at two, good answers at one",
      j("up"),
      [loc("AMS", "down"), loc("FRA", "down"), loc("SIN", "up")],
      "down",
    ],
    // Changed by #11: no answer from one location is about its path (was: degraded).
    ["unreachable from one location, hub up", j("up"), [unreachableAt("AMS")], "up"],
    [
      "unreachable from most locations, one up",
      j("unknown"),
      [unreachableAt("AMS"), unreachableAt("FRA"), loc("SIN", "up")],
      "up",
    ],
    ["unreachable from every vantage point", hubDownNoAnswer, [unreachableAt("AMS")], "down"],
    [
      "hub's health check failing, locations up",
      j("down"),
      [loc("AMS", "up"), loc("SIN", "up")],
      "degraded",
    ],
    [
      "health checks failing at most vantage points",
      j("down"),
      [at("AMS", "down", "heartbeats"), loc("SIN", "up")],
      "down",
    ],
    ["unknown votes abstain", j("unknown"), [loc("AMS", "up"), loc("SIN", "unknown")], "up"],
  ] as const)("%s → %s", (_name, hub, locations, expected) => {
    expect(globalJudgement(hub, locations).verdict).toBe(expected);
  });

  it("says what it rests on and where", () => {
    expect(globalJudgement(j("up"), [loc("AMS", "down"), loc("SIN", "down")])).toEqual({
      verdict: "down",
      reason: "failed answers at AMS, SIN",
      evidence: "answers",
    });
    expect(globalJudgement(j("up"), [loc("AMS", "down"), loc("SIN", "up")]).reason).toBe(
      "failed answers at AMS, good answers at 1 location",
    );
    expect(globalJudgement(j("up"), [unreachableAt("AMS"), loc("SIN", "up")])).toEqual({
      verdict: "up",
      reason: "up from 2 of 3 vantage points; unreachable from AMS only",
      evidence: "answers",
    });
    expect(globalJudgement(j("down", "3 heartbeats failed in a row"), []).reason).toBe(
      "3 heartbeats failed in a row",
    );
    expect(globalJudgement(hubDownNoAnswer, [unreachableAt("AMS")])).toEqual({
      verdict: "down",
      reason: "unreachable from every vantage point (hub, AMS)",
      evidence: "unreachable",
    });
  });

  it("maps verdicts to breaker hints; a drain opens them all", () => {
    expect(["up", "unknown", "degraded", "down"].map((v) => breakerHint(v as HubVerdict))).toEqual([
      "closed",
      "closed",
      "half-open",
      "open",
    ]);
    expect(["up", "unknown", "degraded"].map((v) => breakerHint(v as HubVerdict, true))).toEqual([
      "open",
      "open",
      "open",
    ]);
  });
});
