import { describe, expect, it } from "vitest";
import { HUB_PASSIVE } from "../../../src/protocol";
import {
  addToBuckets,
  type Bucket,
  bucketStart,
  markCounts,
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

describe("counts after a mark", () => {
  it("leaves out what was counted before the mark, also within the marked bucket", () => {
    const buckets: Bucket[] = [];
    addToBuckets(buckets, counts(1, 20), 5_000);
    addToBuckets(buckets, counts(0, 4, 1, 2), 12_000);
    const mark = markCounts(buckets)!;
    expect(mark).toEqual({
      start: 10_000,
      successes: 0,
      failures: 4,
      networkErrors: 2,
      timeouts: 1,
    });
    expect(windowTotals(buckets, 12_000, HUB_PASSIVE.windowMs, mark).calls).toBe(0);
    addToBuckets(buckets, counts(3), 13_000);
    addToBuckets(buckets, counts(2, 1), 21_000);
    expect(windowTotals(buckets, 21_000, HUB_PASSIVE.windowMs, mark)).toMatchObject({
      calls: 6,
      successes: 5,
      failures: 1,
      networkErrors: 0,
    });
    expect(windowTotals(buckets, 21_000).calls).toBe(34);
    expect(markCounts([])).toBeNull();
  });
});
