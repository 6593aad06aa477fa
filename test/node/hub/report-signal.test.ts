import { describe, expect, it } from "vitest";
import { HUB_PASSIVE } from "../../../src/protocol";
import type { WindowTotals } from "../../../worker/model/passive";
import {
  judgeReports,
  NOT_FAILING,
  type ReportFailing,
  rotationFailing,
} from "../../../worker/model/report-signal";

const totals = (successes: number, failures = 0, networkErrors = 0, timeouts = 0): WindowTotals => {
  const failed = failures + networkErrors + timeouts;
  return { calls: successes + failed, successes, failures, networkErrors, timeouts, failed };
};
const failing = (f: Partial<ReportFailing>) => ({ ...NOT_FAILING, ...f });
const none = null;

describe("report judgement from counts", () => {
  it("has nothing to say without calls, or with fewer than minCalls", () => {
    expect(judgeReports(totals(0), none, NOT_FAILING)).toMatchObject({
      verdict: "unknown",
      reason: "no calls reported",
      failing: NOT_FAILING,
    });
    expect(judgeReports(totals(0, HUB_PASSIVE.minCalls - 1), none, NOT_FAILING).verdict).toBe(
      "unknown",
    );
  });

  it("judges the upstream on answers: failing at the failure rate over minCalls answered calls", () => {
    expect(judgeReports(totals(6, 4), none, NOT_FAILING).verdict).toBe("up");
    expect(judgeReports(totals(5, 5), none, NOT_FAILING)).toMatchObject({
      verdict: "down",
      evidence: "answers",
      reason: "answer failure rate 0.50 over 10 answered calls",
      failing: { answers: true, unreachable: false },
    });
  });

  it("judges the path on calls without an answer, and does not call the upstream up without answers", () => {
    const signal = judgeReports(totals(2, 0, 6, 4), none, NOT_FAILING);
    expect(signal).toMatchObject({
      verdict: "down",
      evidence: "unreachable",
      reason: "10 of 12 calls got no answer",
      failing: { answers: false, unreachable: true },
    });
    expect(judgeReports(totals(2, 0, 1, 0), none, NOT_FAILING).verdict).toBe("unknown");
  });

  it("prefers answers as evidence when both kinds fail", () => {
    expect(judgeReports(totals(0, 10, 10, 0), none, NOT_FAILING).evidence).toBe("answers");
  });

  it("stays failing between the two thresholds and recovers at the recovery rate", () => {
    const was = failing({ answers: true });
    expect(judgeReports(totals(7, 3), none, was).verdict).toBe("down");
    expect(judgeReports(totals(8, 2), none, was)).toMatchObject({
      verdict: "up",
      failing: NOT_FAILING,
    });
    expect(judgeReports(totals(3, 1), none, was).verdict).toBe("down");
  });
});

describe("report judgement from the rotation share", () => {
  it("needs no minimum: one reporter holding it out is enough, with the cause it gave", () => {
    expect(judgeReports(totals(0, 5), { answers: 1, unreachable: 0 }, NOT_FAILING)).toMatchObject({
      verdict: "down",
      evidence: "answers",
      reason: "100% of recent reporters hold it out of rotation (failed answers)",
      failing: { rotation: true },
    });
    expect(judgeReports(totals(0), { answers: 0, unreachable: 0.6 }, NOT_FAILING)).toMatchObject({
      verdict: "down",
      evidence: "unreachable",
    });
  });

  it("is not failing below the failure rate, nor without a fresh share", () => {
    expect(rotationFailing({ answers: 0.3, unreachable: 0.1 })).toBe(false);
    expect(rotationFailing({ answers: 0.3, unreachable: 0.2 })).toBe(true);
    expect(rotationFailing({ answers: 0, unreachable: 0 })).toBe(false);
    expect(rotationFailing(null)).toBe(false);
  });
});
