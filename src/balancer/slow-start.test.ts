import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { slowStartFactor, slowStartWeight } from "./slow-start";

describe("slowStartWeight", () => {
  it("ramps linearly from the floor to the full weight over the window (aggression 1)", () => {
    expect(slowStartWeight(10, 1_000, 1_000, 30_000, 1, 10)).toBe(1);
    expect(slowStartWeight(10, 1_000, 4_000, 30_000, 1, 10)).toBe(1); // 10% of the way: the floor
    expect(slowStartWeight(10, 1_000, 16_000, 30_000, 1, 10)).toBe(5);
    expect(slowStartWeight(10, 1_000, 31_000, 30_000, 1, 10)).toBe(10);
    expect(slowStartWeight(10, 1_000, 1e9, 30_000, 1, 10)).toBe(10);
  });

  it("follows Envoy's (elapsed / window) ^ (1 / aggression)", () => {
    expect(slowStartWeight(8, 0, 7_500, 30_000, 2, 1)).toBeCloseTo(8 * Math.sqrt(0.25), 12);
    expect(slowStartWeight(8, 0, 15_000, 30_000, 0.5, 1)).toBeCloseTo(8 * 0.25, 12);
  });

  it("is the full weight when slow start is off or the upstream was always healthy", () => {
    expect(slowStartWeight(3, 1_000, 1_000, 0, 1, 10)).toBe(3);
    expect(slowStartWeight(3, Number.NEGATIVE_INFINITY, 0, 30_000, 1, 10)).toBe(3);
  });

  it("stays at the floor when the clock reads earlier than healthySince", () => {
    expect(slowStartWeight(10, 5_000, 4_000, 30_000, 1, 20)).toBe(2);
  });

  it("is monotonic in time and within [floor × weight, weight] (property)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 1_000, noNaN: true }),
        fc.double({ min: 0, max: 120_000, noNaN: true }),
        fc.double({ min: 0, max: 120_000, noNaN: true }),
        fc.double({ min: 0, max: 100_000, noNaN: true }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        fc.double({ min: 0.1, max: 100, noNaN: true }),
        (weight, t1, t2, window, aggression, minWeightPercent) => {
          const [early, late] = t1 <= t2 ? [t1, t2] : [t2, t1];
          const a = slowStartWeight(weight, 0, early, window, aggression, minWeightPercent);
          const b = slowStartWeight(weight, 0, late, window, aggression, minWeightPercent);
          expect(a).toBeLessThanOrEqual(b);
          for (const w of [a, b]) {
            expect(w).toBeLessThanOrEqual(weight);
            expect(w).toBeGreaterThanOrEqual((weight * minWeightPercent) / 100 - 1e-12);
          }
        },
      ),
    );
  });
});

describe("slowStartFactor", () => {
  it("is the share of its weight an upstream has: slowStartWeight for a weight of 1", () => {
    expect(slowStartFactor(0, 15_000, 30_000, 1, 10)).toBe(0.5);
    expect(slowStartFactor(0, 0, 30_000, 1, 10)).toBe(0.1);
    expect(slowStartFactor(-Infinity, 0, 30_000, 1, 10)).toBe(1);
    expect(slowStartFactor(0, 1, 0, 1, 10)).toBe(1);
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 60_000, noNaN: true }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        (elapsed, aggression) => {
          const factor = slowStartFactor(0, elapsed, 30_000, aggression, 10);
          expect(factor).toBeGreaterThanOrEqual(0.1);
          expect(factor).toBeLessThanOrEqual(1);
          expect(slowStartWeight(4, 0, elapsed, 30_000, aggression, 10)).toBeCloseTo(
            4 * factor,
            12,
          );
        },
      ),
    );
  });
});
