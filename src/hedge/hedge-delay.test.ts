import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LatencyHistogram } from "../stats/latency-histogram";
import { HedgeDelay } from "./hedge-delay";
import { resolveHedgeOptions } from "./hedge-options";

function estimator(options: Parameters<typeof resolveHedgeOptions>[0]): HedgeDelay {
  const resolved = resolveHedgeOptions(options);
  if (resolved === false) throw new Error("hedging is off");
  return new HedgeDelay(resolved);
}

describe("HedgeDelay", () => {
  it("returns a fixed delay as it is", () => {
    const delays = estimator(25);
    expect(delays.delayFor(new LatencyHistogram(), 0)).toBe(25);
    expect(delays.shortest).toBe(25);
  });

  it("waits the longest delay while nothing is known", () => {
    const delays = estimator({ delay: { max: 800 } });
    expect(delays.delayFor(undefined, 0)).toBe(800);
    expect(delays.delayFor(new LatencyHistogram(), 0)).toBe(800);
  });

  it("follows the upstream's percentile once it has enough samples", () => {
    const delays = estimator({ delay: { percentile: 0.9, minSamples: 10 } });
    const histogram = new LatencyHistogram();
    for (let i = 1; i <= 100; i++) histogram.record(i, 0);
    expect(delays.delayFor(histogram, 0)).toBeCloseTo(90, -0.5); // within 1%
  });

  it("falls back to the fleet-wide latency while the upstream has too few samples", () => {
    const delays = estimator({ delay: { percentile: 0.5, minSamples: 10 } });
    const few = new LatencyHistogram();
    for (let i = 0; i < 5; i++) few.record(500, 0);
    for (let i = 0; i < 20; i++) delays.observe(40, 0);
    expect(delays.delayFor(few, 0)).toBe(40);
  });

  it("clamps the percentile to [min, max]", () => {
    const delays = estimator({ delay: { percentile: 0.5, min: 10, max: 100, minSamples: 1 } });
    const fast = new LatencyHistogram();
    fast.record(1, 0);
    const slow = new LatencyHistogram();
    slow.record(5_000, 0);
    expect(delays.delayFor(fast, 0)).toBe(10);
    expect(delays.delayFor(slow, 0)).toBe(100);
  });

  it("recomputes at most every 100 ms unless the sample count doubled", () => {
    const delays = estimator({ delay: { percentile: 0.9, min: 1, minSamples: 1 } });
    const histogram = new LatencyHistogram();
    for (let i = 0; i < 10; i++) histogram.record(20, 0);
    expect(delays.delayFor(histogram, 0)).toBe(20);
    for (let i = 0; i < 5; i++) histogram.record(80, 1);
    expect(delays.delayFor(histogram, 50)).toBe(20); // cached
    expect(delays.delayFor(histogram, 100)).toBe(80); // refreshed: p90 moved
    for (let i = 0; i < 200; i++) histogram.record(5, 120);
    expect(delays.delayFor(histogram, 130)).toBeCloseTo(5, 1); // 215 ≥ 2 × 15 samples: refreshed at once
  });

  it("always lies within [min, max] (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 100_000, noNaN: true }), { maxLength: 60 }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 0, max: 2_000 }),
        (samples, percentile, min, extra) => {
          const delays = estimator({
            delay: { percentile, min, max: min + extra, minSamples: 3 },
          });
          const histogram = new LatencyHistogram();
          for (const sample of samples) histogram.record(sample, 0);
          const delay = delays.delayFor(histogram, 0);
          return delay >= min && delay <= min + extra;
        },
      ),
    );
  });
});
