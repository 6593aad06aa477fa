import { describe, expect, it } from "vitest";
import { HUB_PASSIVE } from "../../../src/protocol";
import {
  addToBuckets,
  type Bucket,
  bucketStart,
  judgePassive,
  pruneBuckets,
  windowTotals,
} from "../../../worker/model/passive";

const counts = (successes: number, failures = 0, timeouts = 0, networkErrors = 0) => ({
  successes,
  failures,
  networkErrors,
  timeouts,
  latencySum: 0,
  latencyCount: 0,
  latencyMax: 0,
});

describe("report buckets", () => {
  it("adds counts from the same bucket period into one bucket", () => {
    const buckets: Bucket[] = [];
    addToBuckets(buckets, counts(3, 1), 10_001);
    const b = addToBuckets(buckets, { ...counts(2, 0, 1), latencyMax: 40 }, 19_999);
    expect(buckets).toHaveLength(1);
    expect(b).toMatchObject({
      start: 10_000,
      successes: 5,
      failures: 1,
      timeouts: 1,
      latencyMax: 40,
    });
  });

  it("sums only buckets inside the window and drops older ones", () => {
    const buckets: Bucket[] = [];
    addToBuckets(buckets, counts(1), 0);
    addToBuckets(buckets, counts(2), 30_000);
    addToBuckets(buckets, counts(4, 4), 65_000);
    // A bucket counts while any part of it is inside the window.
    expect(windowTotals(buckets, 65_000)).toMatchObject({ calls: 11, successes: 7, failed: 4 });
    expect(windowTotals(buckets, 75_000)).toMatchObject({ calls: 10, successes: 6, failed: 4 });
    expect(windowTotals(buckets, 100_000)).toMatchObject({ calls: 8, successes: 4, failed: 4 });
    pruneBuckets(buckets, 100_000);
    expect(buckets.map((b) => b.start)).toEqual([60_000]);
    expect(bucketStart(65_432)).toBe(60_000);
  });
});

describe("passive judgement", () => {
  const totals = (successes: number, failed: number) => ({
    calls: successes + failed,
    successes,
    failures: failed,
    networkErrors: 0,
    timeouts: 0,
    failed,
  });

  it("has nothing to say without calls", () => {
    expect(judgePassive(totals(0, 0), false)).toMatchObject({ verdict: "unknown", failing: false });
  });

  it("needs minCalls before calling a location up or failing", () => {
    expect(judgePassive(totals(0, HUB_PASSIVE.minCalls - 1), false)).toMatchObject({
      verdict: "unknown",
      failing: false,
    });
    expect(judgePassive(totals(0, HUB_PASSIVE.minCalls), false)).toMatchObject({
      verdict: "down",
      failing: true,
    });
    expect(judgePassive(totals(HUB_PASSIVE.minCalls, 0), false)).toMatchObject({
      verdict: "up",
      failing: false,
    });
  });

  it("starts failing at the failure-rate threshold", () => {
    expect(judgePassive(totals(6, 4), false).failing).toBe(false);
    const failing = judgePassive(totals(5, 5), false);
    expect(failing).toMatchObject({
      verdict: "down",
      failing: true,
      reason: "failure rate 0.50 over 10 calls",
    });
  });

  it("stays failing between the two thresholds and recovers at the recovery rate", () => {
    expect(judgePassive(totals(7, 3), true)).toMatchObject({ verdict: "down", failing: true });
    expect(judgePassive(totals(8, 2), true)).toMatchObject({ verdict: "up", failing: false });
    expect(judgePassive(totals(3, 1), true)).toMatchObject({ verdict: "down", failing: true });
  });
});
