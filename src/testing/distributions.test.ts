import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  constant,
  exponential,
  lognormal,
  type Sampler,
  uniform,
  withStragglers,
} from "./distributions";
import { seededRandom } from "./seeded-random";

function sample(sampler: Sampler, n = 100_000, seed = 1): Float64Array {
  const random = seededRandom(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = sampler(random);
  return out;
}

const quantile = (sorted: Float64Array, p: number) => sorted[Math.ceil(p * sorted.length) - 1]!;
const mean = (xs: Float64Array) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("distributions", () => {
  it("lognormal has the given median and the spread sigma implies", () => {
    const xs = sample(lognormal({ median: 20, sigma: 0.5 })).sort();
    expect(quantile(xs, 0.5)).toBeGreaterThan(20 * 0.98);
    expect(quantile(xs, 0.5)).toBeLessThan(20 * 1.02);
    // p99 = median * e^(2.326 sigma) ≈ 63.9
    expect(quantile(xs, 0.99)).toBeGreaterThan(60);
    expect(quantile(xs, 0.99)).toBeLessThan(68);
  });

  it("lognormal can be given by median and p99", () => {
    const xs = sample(lognormal({ median: 10, p99: 100 })).sort();
    expect(quantile(xs, 0.5)).toBeGreaterThan(9.7);
    expect(quantile(xs, 0.5)).toBeLessThan(10.3);
    expect(quantile(xs, 0.99)).toBeGreaterThan(92);
    expect(quantile(xs, 0.99)).toBeLessThan(108);
  });

  it("constant always gives its value", () => {
    expect(new Set(sample(constant(7), 1_000))).toEqual(new Set([7]));
  });

  it("uniform stays in [min, max) with the middle as mean", () => {
    const xs = sample(uniform(10, 30));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...xs)).toBeLessThan(30);
    expect(Math.abs(mean(xs) - 20)).toBeLessThan(0.1);
  });

  it("exponential has the given mean and median mean·ln 2", () => {
    const xs = sample(exponential(50));
    expect(Math.abs(mean(xs) - 50)).toBeLessThan(1);
    const median = quantile(xs.sort(), 0.5);
    expect(Math.abs(median - 50 * Math.LN2)).toBeLessThan(1);
  });

  it("withStragglers replaces a share `probability` of draws with the straggler latency", () => {
    const xs = sample(withStragglers(constant(5), { probability: 0.03, latency: 500 }));
    const stragglers = xs.filter((x) => x === 500).length;
    expect(stragglers / xs.length).toBeGreaterThan(0.028);
    expect(stragglers / xs.length).toBeLessThan(0.032);
    expect(xs.every((x) => x === 5 || x === 500)).toBe(true);
    const spread = sample(
      withStragglers(constant(5), { probability: 1, latency: uniform(100, 200) }),
    );
    expect(spread.every((x) => x >= 100 && x < 200)).toBe(true);
  });

  it("never draws a negative, NaN or infinite latency", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer(),
        (median, sigma, probability, seed) => {
          const random = seededRandom(seed);
          const samplers = [
            lognormal({ median, sigma }),
            exponential(median),
            withStragglers(lognormal({ median, sigma }), { probability, latency: exponential(1) }),
          ];
          for (const sampler of samplers) {
            for (let i = 0; i < 20; i++) {
              const x = sampler(random);
              expect(x >= 0 && Number.isFinite(x)).toBe(true);
            }
          }
        },
      ),
    );
  });

  it("gives edge draws of the random source (0 and just under 1) finite values", () => {
    for (const r of [0, 1 - 2 ** -32]) {
      for (const sampler of [lognormal({ median: 1, sigma: 2 }), exponential(3)]) {
        expect(Number.isFinite(sampler(() => r))).toBe(true);
      }
    }
  });

  it("rejects bad parameters with errors that name them", () => {
    expect(() => lognormal({ median: 0, sigma: 1 })).toThrow(/lognormal median must be/);
    expect(() => lognormal({ median: 10, sigma: -1 })).toThrow(RangeError);
    expect(() => lognormal({ median: 10, p99: 5 })).toThrow(
      /p99 must be a finite number >= median/,
    );
    expect(() => lognormal({ median: 10 })).toThrow(TypeError);
    expect(() => constant(-1)).toThrow(RangeError);
    expect(() => uniform(5, 1)).toThrow(/uniform max/);
    expect(() => exponential(Number.NaN)).toThrow(/exponential mean/);
    expect(() => withStragglers(constant(1), { probability: 2, latency: 1 })).toThrow(
      /probability must be a number in \[0, 1\], got 2/,
    );
  });
});
