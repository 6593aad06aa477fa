import { describe, expect, it } from "vitest";
import { seededRandom } from "./seeded-random";

const draws = (random: () => number, n: number) => Array.from({ length: n }, () => random());

describe("seededRandom", () => {
  it("gives the same sequence for the same seed", () => {
    expect(draws(seededRandom(42), 100)).toEqual(draws(seededRandom(42), 100));
  });

  it("gives different sequences for different seeds, high bits of large seeds included", () => {
    const base = draws(seededRandom(1), 10);
    expect(draws(seededRandom(2), 10)).not.toEqual(base);
    expect(draws(seededRandom(2 ** 32 + 1), 10)).not.toEqual(base);
    expect(draws(seededRandom(0), 10)).not.toEqual(draws(seededRandom(-1), 10));
  });

  it("pins its output so a change of algorithm (or runtime) shows up", () => {
    // sfc32 seeded by splitmix32 uses 32-bit integer math only: these hold in every runtime.
    expect(draws(seededRandom(42), 3)).toEqual([
      0.456255805445835, 0.5641753580421209, 0.5743777174502611,
    ]);
  });

  it("draws in [0, 1) with mean 1/2 and variance 1/12 over 1e5 draws", () => {
    const random = seededRandom(7);
    const n = 100_000;
    let sum = 0;
    let sumSq = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const x = random();
      sum += x;
      sumSq += x * x;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    const mean = sum / n;
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    // Standard error of the mean is sqrt(1/12 / n) ≈ 0.0009; allow 5 of them.
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.0046);
    expect(Math.abs(sumSq / n - mean * mean - 1 / 12)).toBeLessThan(0.002);
  });

  it("fills 20 equal buckets evenly (chi-square) with no lag-1 correlation", () => {
    const random = seededRandom(123);
    const n = 100_000;
    const buckets = new Array<number>(20).fill(0);
    let previous = random();
    let cross = 0;
    for (let i = 0; i < n; i++) {
      const x = random();
      buckets[Math.floor(x * 20)]!++;
      cross += (x - 0.5) * (previous - 0.5);
      previous = x;
    }
    const expected = n / 20;
    const chiSquare = buckets.reduce((acc, count) => acc + (count - expected) ** 2 / expected, 0);
    // 19 degrees of freedom: the 99.9th percentile of chi-square is 43.8.
    expect(chiSquare).toBeLessThan(43.8);
    const correlation = cross / n / (1 / 12);
    expect(Math.abs(correlation)).toBeLessThan(0.015);
  });

  it("rejects a seed that is not a finite number", () => {
    expect(() => seededRandom(Number.NaN)).toThrow(RangeError);
    expect(() => seededRandom(Number.POSITIVE_INFINITY)).toThrow(/finite number, got Infinity/);
  });
});
