import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_EWMA_DECAY, MIN_SAMPLE_WEIGHT, PeakEwma } from "./peak-ewma";

describe("PeakEwma", () => {
  it("has no history and reports the initial value before the first observation", () => {
    const ewma = new PeakEwma({ initial: 25 });
    expect(ewma.hasHistory).toBe(false);
    expect(ewma.valueAt(1_000)).toBe(25);
    expect(new PeakEwma().valueAt(0)).toBe(0);
    const idle = new PeakEwma();
    idle.observe(100, 0);
    // Idle, the estimate decays by e every DEFAULT_EWMA_DECAY ms.
    expect(idle.valueAt(DEFAULT_EWMA_DECAY)).toBeCloseTo(100 / Math.E);
  });

  it("takes the first observation as the estimate", () => {
    const ewma = new PeakEwma({ initial: 500 });
    ewma.observe(40, 1_000);
    expect(ewma.hasHistory).toBe(true);
    expect(ewma.valueAt(1_000)).toBe(40);
  });

  it("jumps to a sample above the estimate at once (peak sensitivity)", () => {
    const ewma = new PeakEwma({ decay: 10_000 });
    ewma.observe(10, 0);
    ewma.observe(10, 1);
    ewma.observe(900, 2);
    expect(ewma.valueAt(2)).toBe(900);
  });

  it("blends a lower sample with weight 1 - exp(-elapsed/decay) × (1 - 1/8)", () => {
    expect(MIN_SAMPLE_WEIGHT).toBe(1 / 8);
    const ewma = new PeakEwma({ decay: 10_000 });
    ewma.observe(100, 0);
    ewma.observe(50, 1_000);
    const keep = Math.exp(-1_000 / 10_000) * (7 / 8);
    const expected = 100 * keep + 50 * (1 - keep);
    expect(ewma.valueAt(1_000)).toBeCloseTo(expected, 12);
    ewma.observe(20, 4_000);
    const keep2 = Math.exp(-3_000 / 10_000) * (7 / 8);
    expect(ewma.valueAt(4_000)).toBeCloseTo(expected * keep2 + 20 * (1 - keep2), 12);
  });

  it("forgets a peak after about 8 answers however close together they come", () => {
    const ewma = new PeakEwma({ decay: 10_000 });
    ewma.observe(20, 0);
    ewma.observe(100, 1);
    for (let t = 2; t < 10; t++) ewma.observe(20, t); // 8 answers within 8 ms
    // Time alone would have kept ~99.9% of the peak; each answer takes at least 1/8 of it.
    expect(ewma.valueAt(10)).toBeLessThan(20 + 80 * 0.35);
    expect(ewma.valueAt(10)).toBeGreaterThan(20 + 80 * 0.33);
  });

  it("is weighted by time when answers are sparse: one answer after a long gap counts fully", () => {
    const sparse = new PeakEwma({ decay: 1_000 });
    sparse.observe(100, 0);
    sparse.observe(10, 5_000);
    const keep = Math.exp(-5) * (7 / 8);
    expect(sparse.valueAt(5_000)).toBeCloseTo(100 * keep + 10 * (1 - keep), 12);
    expect(sparse.valueAt(5_000)).toBeLessThan(10.6);
  });

  it("decays towards zero while idle, as estimate × exp(-idle/decay)", () => {
    const ewma = new PeakEwma({ decay: 10_000 });
    ewma.observe(200, 5_000);
    expect(ewma.valueAt(5_000)).toBe(200);
    expect(ewma.valueAt(15_000)).toBeCloseTo(200 * Math.exp(-1), 12);
    expect(ewma.valueAt(35_000)).toBeCloseTo(200 * Math.exp(-3), 12);
    // Reading does not change the state.
    expect(ewma.valueAt(15_000)).toBeCloseTo(200 * Math.exp(-1), 12);
  });

  it("does not let out-of-order times move the estimate backwards in time", () => {
    const ewma = new PeakEwma({ decay: 1_000 });
    ewma.observe(100, 2_000);
    ewma.observe(10, 1_000); // earlier than the last observation: no elapsed time, weight 1/8
    const expected = 100 * (7 / 8) + 10 / 8;
    expect(ewma.valueAt(2_000)).toBe(expected);
    expect(ewma.valueAt(1_500)).toBe(expected); // and the decay clock was not moved back
    expect(ewma.valueAt(3_000)).toBeCloseTo(expected * Math.exp(-1), 12);
  });

  it("ignores NaN and treats negative samples as 0", () => {
    const ewma = new PeakEwma({ decay: 1_000 });
    ewma.observe(Number.NaN, 0);
    expect(ewma.hasHistory).toBe(false);
    ewma.observe(-5, 0);
    expect(ewma.valueAt(0)).toBe(0);
  });

  it("forgets everything on reset", () => {
    const ewma = new PeakEwma({ initial: 7 });
    ewma.observe(100, 0);
    ewma.reset();
    expect(ewma.hasHistory).toBe(false);
    expect(ewma.valueAt(0)).toBe(7);
  });

  it("rejects a non-positive decay and a negative initial value, naming the option", () => {
    expect(() => new PeakEwma({ decay: 0 })).toThrow(/ewma\.decay must be .* > 0, got 0/);
    expect(() => new PeakEwma({ decay: Number.POSITIVE_INFINITY })).toThrow(RangeError);
    expect(() => new PeakEwma({ initial: -1 })).toThrow(/ewma\.initial .* got -1/);
  });

  it("stays within [min, max] of its samples and never below the latest one", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0, max: 1e5, noNaN: true }), fc.nat(10_000)), {
          minLength: 1,
          maxLength: 50,
        }),
        (samples) => {
          const ewma = new PeakEwma({ decay: 1_000 });
          let now = 0;
          let min = Number.POSITIVE_INFINITY;
          let max = 0;
          for (const [value, gap] of samples) {
            now += gap;
            ewma.observe(value, now);
            min = Math.min(min, value);
            max = Math.max(max, value);
            const v = ewma.valueAt(now);
            expect(v).toBeLessThanOrEqual(max * (1 + 1e-12));
            expect(v).toBeGreaterThanOrEqual(min * (1 - 1e-12));
            // Peak sensitivity: the estimate is never below the latest sample.
            expect(v).toBeGreaterThanOrEqual(value * (1 - 1e-12));
          }
        },
      ),
    );
  });

  it("blends a higher sample in without keeping it as a peak when told to", () => {
    const ewma = new PeakEwma();
    ewma.observe(20, 1_000);
    ewma.observe(100, 1_000, false);
    // No time elapsed: the sample gets the least weight, 1/8.
    expect(ewma.valueAt(1_000)).toBeCloseTo(20 + (100 - 20) * MIN_SAMPLE_WEIGHT, 9);
    for (let i = 0; i < 8; i++) ewma.observe(20, 1_000);
    expect(ewma.valueAt(1_000)).toBeLessThan(20 + (100 - 20) * MIN_SAMPLE_WEIGHT * 0.5);
    const fresh = new PeakEwma();
    fresh.observe(70, 0, false);
    expect(fresh.valueAt(0)).toBe(70);
  });
});
