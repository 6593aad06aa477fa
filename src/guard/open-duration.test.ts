import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { openDuration } from "./open-duration";

const noJitter = { initial: 5_000, max: 60_000, multiplier: 2, jitter: 0, decayAfter: 60_000 };

describe("openDuration", () => {
  it("grows by the multiplier per trip and stops at max", () => {
    const random = () => 0.5;
    const durations = [1, 2, 3, 4, 5, 6, 50].map((t) => openDuration(t, noJitter, random));
    expect(durations).toEqual([5_000, 10_000, 20_000, 40_000, 60_000, 60_000, 60_000]);
  });

  it("treats 0 trips like the first", () => {
    expect(openDuration(0, noJitter, () => 0)).toBe(5_000);
  });

  it("survives a huge trip count without overflowing to NaN", () => {
    expect(openDuration(100_000, noJitter, () => 0)).toBe(60_000);
  });

  it("spreads by ± jitter and never goes past max", () => {
    const openFor = { ...noJitter, jitter: 0.2 };
    expect(openDuration(1, openFor, () => 0)).toBeCloseTo(4_000);
    expect(openDuration(1, openFor, () => 0.5)).toBeCloseTo(5_000);
    expect(openDuration(1, openFor, () => 0.999999)).toBeCloseTo(6_000, 0);
    expect(openDuration(9, openFor, () => 0.999999)).toBe(60_000);
    expect(openDuration(9, openFor, () => 0)).toBeCloseTo(48_000);
  });

  it("stays within [base × (1 − jitter), min(max, base × (1 + jitter))] for any draw", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0, max: 0.99, noNaN: true }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (trips, jitter, draw) => {
          const openFor = { ...noJitter, jitter };
          const base = Math.min(60_000, 5_000 * 2 ** (trips - 1));
          const d = openDuration(trips, openFor, () => draw);
          expect(d).toBeGreaterThanOrEqual(base * (1 - jitter) - 1e-6);
          expect(d).toBeLessThanOrEqual(Math.min(60_000, base * (1 + jitter)) + 1e-6);
        },
      ),
    );
  });
});
