import { describe, expect, it } from "vitest";
import type { HubVerdict } from "../../../src/protocol";
import {
  breakerHint,
  globalJudgement,
  locationJudgement,
  staleAfter,
  trackJudgement,
} from "../../../worker/model/decide";
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
});

describe("location verdict", () => {
  it("lets either signal saying down win, heartbeats first", () => {
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
  it.each([
    ["nothing known", j("unknown"), [], "unknown"],
    ["only the hub, up", j("up"), [], "up"],
    ["only the hub, down", j("down"), [], "down"],
    ["all up", j("up"), [loc("AMS", "up"), loc("SIN", "up")], "up"],
    ["all down", j("down"), [loc("AMS", "down")], "down"],
    ["one location down, hub up", j("up"), [loc("AMS", "down")], "degraded"],
    ["hub down, locations up", j("down"), [loc("AMS", "up"), loc("SIN", "up")], "degraded"],
    ["most down", j("up"), [loc("AMS", "down"), loc("SIN", "down")], "down"],
    ["unknown votes abstain", j("unknown"), [loc("AMS", "up"), loc("SIN", "unknown")], "up"],
  ] as const)("%s → %s", (_name, hub, locations, expected) => {
    expect(globalJudgement(hub, locations).verdict).toBe(expected);
  });

  it("names where it is down", () => {
    expect(globalJudgement(j("up"), [loc("AMS", "down"), loc("SIN", "down")]).reason).toBe(
      "down from 2 of 3 vantage points (AMS, SIN)",
    );
    expect(globalJudgement(j("down", "3 heartbeats failed in a row"), []).reason).toBe(
      "3 heartbeats failed in a row",
    );
  });

  it("maps verdicts to breaker hints", () => {
    expect(["up", "unknown", "degraded", "down"].map((v) => breakerHint(v as HubVerdict))).toEqual([
      "closed",
      "closed",
      "half-open",
      "open",
    ]);
  });
});
