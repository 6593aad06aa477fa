import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { seededRandom as seeded } from "../testing/seeded-random";
import { HISTOGRAM_MAX_MS, HISTOGRAM_MIN_MS, LatencyHistogram } from "./latency-histogram";

/** Nearest-rank percentile of sorted data, the definition the histogram estimates. */
function exactPercentile(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil(p * sorted.length - 1e-9));
  return sorted[rank - 1]!;
}

const PS = [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];

function expectWithin(estimate: number, exact: number, alpha: number): void {
  // Below the tracked range only an absolute bound holds: those samples share one bucket.
  if (exact < HISTOGRAM_MIN_MS) return void expect(estimate).toBeLessThanOrEqual(HISTOGRAM_MIN_MS);
  expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(alpha * exact * (1 + 1e-9));
}

describe("LatencyHistogram", () => {
  const datasets: [string, (r: () => number) => number][] = [
    ["log-uniform over 0.01 ms to 10 min", (r) => HISTOGRAM_MIN_MS * 6e7 ** r()],
    ["exponential with mean 20 ms", (r) => -20 * Math.log(1 - r())],
    ["a 5 ms mode with a 1% tail at 400 ms", (r) => (r() < 0.01 ? 400 + r() * 100 : 5 + r())],
  ];
  for (const [name, draw] of datasets) {
    it(`estimates percentiles within 1% relative error: ${name}`, () => {
      const random = seeded(42);
      const histogram = new LatencyHistogram();
      const values: number[] = [];
      for (let i = 0; i < 20_000; i++) {
        const v = draw(random);
        values.push(v);
        histogram.record(v, i * 0.5);
      }
      values.sort((a, b) => a - b);
      expect(histogram.count(10_000)).toBe(20_000);
      for (const p of PS)
        expectWithin(histogram.percentile(p, 10_000), exactPercentile(values, p), 0.01);
    });
  }

  it("holds the stated relative error for any data and any p (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: HISTOGRAM_MIN_MS, max: HISTOGRAM_MAX_MS, noNaN: true }), {
          minLength: 1,
          maxLength: 200,
        }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom(0.005, 0.01, 0.02),
        (values, p, alpha) => {
          const histogram = new LatencyHistogram({ relativeAccuracy: alpha });
          for (const v of values) histogram.record(v, 0);
          const sorted = [...values].sort((a, b) => a - b);
          expectWithin(histogram.percentile(p, 0), exactPercentile(sorted, p), alpha);
        },
      ),
    );
  });

  it("reports the exact minimum and maximum at p = 0 and p = 1", () => {
    const histogram = new LatencyHistogram();
    for (const v of [3.3, 17.123, 0.4567, 250.5]) histogram.record(v, 0);
    expect(histogram.percentile(0, 0)).toBe(0.4567);
    expect(histogram.percentile(1, 0)).toBe(250.5);
  });

  it("is empty (NaN, count 0) before the first sample", () => {
    const histogram = new LatencyHistogram();
    expect(histogram.count(0)).toBe(0);
    expect(histogram.percentile(0.5, 0)).toBeNaN();
  });

  it("ages samples out: visible for one more window after theirs, gone after that", () => {
    const histogram = new LatencyHistogram({ window: 30_000, windows: 2 });
    histogram.record(1_000, 0); // window [0, 30 s)
    histogram.record(1_000, 29_999);
    histogram.record(10, 30_000); // window [30 s, 60 s)
    expect(histogram.count(59_999)).toBe(3);
    expect(histogram.percentile(1, 59_999)).toBe(1_000);
    expect(histogram.count(60_000)).toBe(1);
    expect(histogram.percentile(1, 60_000)).toBe(10);
    expect(histogram.percentile(0.5, 60_000)).toBe(10);
    expect(histogram.count(90_000)).toBe(0);
    expect(histogram.percentile(0.5, 90_000)).toBeNaN();
  });

  it("keeps windows aligned across sparse traffic and drops everything after a long pause", () => {
    const histogram = new LatencyHistogram({ window: 1_000, windows: 3 });
    histogram.record(5, 100); // windows start at 100
    histogram.record(6, 1_150); // second window [1100, 2100)
    histogram.record(7, 2_099);
    expect(histogram.count(3_099)).toBe(3);
    expect(histogram.count(3_100)).toBe(2); // [100, 1100) dropped
    expect(histogram.count(10_000)).toBe(0);
    histogram.record(8, 10_000);
    expect(histogram.count(10_000)).toBe(1);
    expect(histogram.percentile(0.5, 10_000)).toBe(8);
  });

  it("tracks a shift in latency once the old window has rotated out", () => {
    const histogram = new LatencyHistogram({ window: 10_000, windows: 2 });
    for (let t = 0; t < 20_000; t += 10) histogram.record(10, t);
    for (let t = 20_000; t < 30_000; t += 10) histogram.record(100, t);
    // [10 s, 20 s) still holds the fast samples: half and half.
    expect(histogram.percentile(0.25, 29_999)).toBeCloseTo(10, 0);
    expect(histogram.percentile(0.75, 29_999)).toBeCloseTo(100, -1);
    for (let t = 30_000; t < 40_000; t += 10) histogram.record(100, t);
    expect(histogram.percentile(0.01, 39_999)).toBe(100);
  });

  it("does not drop data when time goes backwards", () => {
    const histogram = new LatencyHistogram({ window: 1_000 });
    histogram.record(5, 5_000);
    histogram.record(6, 4_000);
    expect(histogram.count(3_000)).toBe(2);
  });

  it("has a fixed number of buckets, with out-of-range samples in the end buckets", () => {
    const histogram = new LatencyHistogram();
    const buckets = histogram.bucketCount;
    expect(buckets).toBeLessThan(1_000);
    const random = seeded(7);
    for (let i = 0; i < 50_000; i++) histogram.record(random() * 1e6, 0);
    histogram.record(0, 0);
    histogram.record(-3, 0);
    histogram.record(3_600_000, 0); // an hour, beyond the tracked range
    histogram.record(Number.NaN, 0); // ignored
    expect(histogram.bucketCount).toBe(buckets);
    expect(histogram.count(0)).toBe(50_003);
    expect(histogram.percentile(0, 0)).toBe(0);
    expect(histogram.percentile(1, 0)).toBe(3_600_000);
    // 40% of the samples lie above 10 min: they share the top bucket, which saturates.
    expect(histogram.percentile(0.9, 0)).toBeGreaterThan(HISTOGRAM_MAX_MS);
    expect(histogram.percentile(0.9, 0)).toBeLessThan(HISTOGRAM_MAX_MS * 1.03);
    expectWithin(histogram.percentile(0.5, 0), 500_000, 0.02);
  });

  it("uses fewer buckets for a coarser accuracy", () => {
    const fine = new LatencyHistogram({ relativeAccuracy: 0.01 }).bucketCount;
    const coarse = new LatencyHistogram({ relativeAccuracy: 0.02 }).bucketCount;
    expect(coarse).toBeLessThan(fine / 1.9);
  });

  it("rejects bad options and percentiles, naming them", () => {
    expect(() => new LatencyHistogram({ window: 0 })).toThrow(/histogram\.window .* got 0/);
    expect(() => new LatencyHistogram({ windows: 1 })).toThrow(
      /histogram\.windows .*\[2, 64\], got 1/,
    );
    expect(() => new LatencyHistogram({ windows: 2.5 })).toThrow(RangeError);
    expect(() => new LatencyHistogram({ relativeAccuracy: 0.5 })).toThrow(
      /histogram\.relativeAccuracy must be a number in \(0, 0\.1\], got 0\.5/,
    );
    expect(() => new LatencyHistogram().percentile(95, 0)).toThrow(/percentile .*\[0, 1\], got 95/);
    expect(() => new LatencyHistogram().percentile(Number.NaN, 0)).toThrow(RangeError);
  });
});
