import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PeakEwma } from "../stats/peak-ewma";
import { seededRandom as seeded } from "../testing/seeded-random";
import type { BalancerCandidate } from "./candidate";
import { pickWeightedRandom } from "./weighted-random";

function candidates(weights: readonly number[]): BalancerCandidate[] {
  return weights.map((weight) => ({ weight, inFlight: 0, ewma: new PeakEwma(), wrrCurrent: 0 }));
}

describe("pickWeightedRandom", () => {
  it("gives 1:2:3 their shares within 1 percentage point over 100,000 seeded picks", () => {
    const list = candidates([1, 2, 3]);
    const random = seeded(2024);
    const counts = [0, 0, 0];
    for (let i = 0; i < 100_000; i++) counts[pickWeightedRandom(list, 3, random)]!++;
    const expected = [1 / 6, 2 / 6, 3 / 6];
    for (let i = 0; i < 3; i++)
      expect(Math.abs(counts[i]! / 100_000 - expected[i]!)).toBeLessThan(0.01);
  });

  it("maps random() onto the cumulative weights", () => {
    const list = candidates([1, 2, 3]);
    expect(pickWeightedRandom(list, 3, () => 0)).toBe(0);
    expect(pickWeightedRandom(list, 3, () => 0.16)).toBe(0);
    expect(pickWeightedRandom(list, 3, () => 0.17)).toBe(1);
    expect(pickWeightedRandom(list, 3, () => 0.49)).toBe(1);
    expect(pickWeightedRandom(list, 3, () => 0.51)).toBe(2);
    expect(pickWeightedRandom(list, 2, () => 0.99)).toBe(1); // only the first two offered
    // Half-open intervals: [0, 1) of the total weight 2 is the first candidate's.
    expect(pickWeightedRandom(candidates([1, 1]), 2, () => 0.5)).toBe(1);
  });

  it("never picks a candidate whose weight is not positive, even at the edges of random()", () => {
    const list = candidates([0, 2, -1, 3, 0]);
    for (const r of [0, 0.4, 0.41, 0.999_999_999_999, 1]) {
      const i = pickWeightedRandom(list, 5, () => r);
      expect([1, 3]).toContain(i);
    }
  });

  it("falls back to uniform when no weight is usable", () => {
    expect(pickWeightedRandom(candidates([0, 0, 0]), 3, () => 0.5)).toBe(1);
    expect(pickWeightedRandom(candidates([Number.POSITIVE_INFINITY, 1]), 2, () => 0.9)).toBe(1);
  });

  it("returns 0 for one candidate and -1 for none", () => {
    expect(pickWeightedRandom(candidates([5]), 1, () => 0.7)).toBe(0);
    expect(pickWeightedRandom(candidates([5]), 0, () => 0.7)).toBe(-1);
  });

  it("picks in proportion to weight for any weights (chi-square-free bound)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.1, max: 100, noNaN: true }), { minLength: 2, maxLength: 6 }),
        fc.integer(),
        (weights, seed) => {
          const list = candidates(weights);
          const random = seeded(seed);
          const n = 20_000;
          const counts = weights.map(() => 0);
          for (let i = 0; i < n; i++) counts[pickWeightedRandom(list, list.length, random)]!++;
          const total = weights.reduce((a, b) => a + b, 0);
          for (let i = 0; i < weights.length; i++) {
            const p = weights[i]! / total;
            // 6 standard deviations: a correct picker essentially never fails this.
            expect(Math.abs(counts[i]! / n - p)).toBeLessThan(
              6 * Math.sqrt((p * (1 - p)) / n) + 1e-9,
            );
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});
