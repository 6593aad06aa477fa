import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PeakEwma } from "../stats/peak-ewma";
import { seededRandom as seeded } from "../testing/seeded-random";
import type { BalancerCandidate } from "./candidate";
import {
  ACTIVE_REQUEST_BIAS,
  type PickSample,
  p2cCost,
  pickP2C,
  UNKNOWN_LATENCY_PENALTY,
} from "./p2c";

/** A candidate whose EWMA saw `latency` at time 0 (none when undefined). */
function candidate(weight: number, inFlight: number, latency?: number): BalancerCandidate {
  const ewma = new PeakEwma();
  if (latency !== undefined) ewma.observe(latency, 0);
  return { weight, inFlight, ewma, wrrCurrent: 0 };
}

/** A random() that returns the given values in turn. */
function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}

describe("p2cCost", () => {
  it("is peak-EWMA latency × ((in-flight + 1) / weight) ^ 0.75", () => {
    expect(ACTIVE_REQUEST_BIAS).toBe(0.75);
    expect(p2cCost(candidate(1, 0, 20), 0)).toBe(20);
    expect(p2cCost(candidate(1, 3, 20), 0)).toBeCloseTo(20 * 4 ** 0.75, 12); // ≈ 56.6, not 80
    expect(p2cCost(candidate(1, 15, 20), 0)).toBeCloseTo(160, 12);
    expect(p2cCost(candidate(4, 3, 20), 0)).toBe(20);
    expect(p2cCost(candidate(1, 0, 20), 10_000)).toBeCloseTo(20 * Math.exp(-1), 12);
  });

  it("equalises at in-flight counts proportional to weight when latencies are equal", () => {
    expect(p2cCost(candidate(3, 8, 20), 0)).toBeCloseTo(p2cCost(candidate(1, 2, 20), 0), 12);
  });

  it("lets an idle 10x slower upstream win only once a fast one has 21 calls in flight", () => {
    const slow = candidate(1, 0, 200);
    expect(p2cCost(candidate(1, 20, 20), 0)).toBeLessThan(p2cCost(slow, 0));
    expect(p2cCost(candidate(1, 21, 20), 0)).toBeGreaterThan(p2cCost(slow, 0));
  });

  it("makes an idle upstream without history free, and one with a probe out prohibitive", () => {
    expect(p2cCost(candidate(1, 0), 0)).toBe(0);
    expect(p2cCost(candidate(1, 1), 0)).toBe(UNKNOWN_LATENCY_PENALTY + 1);
    expect(p2cCost(candidate(2, 3), 0)).toBe((UNKNOWN_LATENCY_PENALTY + 3) / 2);
    // Worse than a measured upstream at 10 min latency with 1,000 in flight and weight 0.01.
    expect(p2cCost(candidate(1, 1), 0)).toBeGreaterThan(
      p2cCost(candidate(0.01, 1_000, 600_000), 0),
    );
  });

  it("uses the EWMA's initial value for an idle upstream without history", () => {
    const c = candidate(2, 0);
    c.ewma = new PeakEwma({ initial: 50 });
    expect(p2cCost(c, 0)).toBeCloseTo(50 / 2 ** ACTIVE_REQUEST_BIAS, 12);
  });
});

describe("pickP2C", () => {
  it("returns 0 for one candidate and -1 for none, without calling random", () => {
    const list = [candidate(1, 0, 10)];
    const random = () => {
      throw new Error("not needed");
    };
    expect(pickP2C(list, 1, random, 0)).toBe(0);
    expect(pickP2C(list, 0, random, 0)).toBe(-1);
  });

  it("samples two distinct candidates and takes the cheaper", () => {
    const list = [candidate(1, 0, 50), candidate(1, 0, 10), candidate(1, 0, 30)];
    const sample: PickSample = { first: -1, second: -1 };
    expect(pickP2C(list, 3, sequence(0, 0), 0, sample)).toBe(1);
    expect(sample).toEqual({ first: 0, second: 1 }); // the second draw skips the first index
    expect(pickP2C(list, 3, sequence(0.9, 0.9), 0, sample)).toBe(1);
    expect(sample).toEqual({ first: 2, second: 1 });
    expect(pickP2C(list, 3, sequence(0.1, 0.9), 0, sample)).toBe(2);
    expect(sample).toEqual({ first: 0, second: 2 });
  });

  it("keeps the first sample on a tie", () => {
    const list = [candidate(1, 0, 10), candidate(1, 0, 10)];
    expect(pickP2C(list, 2, sequence(0.7, 0), 0)).toBe(1);
    expect(pickP2C(list, 2, sequence(0.2, 0), 0)).toBe(0);
  });

  it("prefers the less loaded of two equally fast upstreams, and the faster of two idle ones", () => {
    expect(pickP2C([candidate(1, 4, 10), candidate(1, 1, 10)], 2, sequence(0, 0), 0)).toBe(1);
    expect(pickP2C([candidate(1, 0, 10), candidate(1, 0, 11)], 2, sequence(0.9, 0), 0)).toBe(0);
  });

  it("probes a new upstream while idle, but holds back while its probe is out", () => {
    const known = candidate(1, 0, 5);
    const fresh = candidate(1, 0);
    expect(pickP2C([known, fresh], 2, sequence(0, 0), 0)).toBe(1);
    fresh.inFlight = 1;
    known.inFlight = 500;
    expect(pickP2C([known, fresh], 2, sequence(0, 0), 0)).toBe(0);
  });

  it("never picks the worse of its two samples (property)", () => {
    const arbCandidate = fc.record({
      weight: fc.double({ min: 0.01, max: 100, noNaN: true }),
      inFlight: fc.nat(50),
      latency: fc.option(fc.double({ min: 0, max: 60_000, noNaN: true }), { nil: undefined }),
      age: fc.nat(60_000),
    });
    fc.assert(
      fc.property(
        fc.array(arbCandidate, { minLength: 1, maxLength: 10 }),
        fc.integer(),
        fc.nat(10),
        (specs, seed, extra) => {
          const now = 60_000;
          const list = specs.map((s) => {
            const c = candidate(s.weight, s.inFlight);
            if (s.latency !== undefined) c.ewma.observe(s.latency, now - s.age);
            return c;
          });
          const count = Math.max(1, specs.length - (extra % specs.length));
          const random = seeded(seed);
          const sample: PickSample = { first: -1, second: -1 };
          for (let i = 0; i < 20; i++) {
            const chosen = pickP2C(list, count, random, now, sample);
            expect(chosen).toBeGreaterThanOrEqual(0);
            expect(chosen).toBeLessThan(count);
            if (count === 1) continue;
            expect(sample.first).not.toBe(sample.second);
            expect(sample.second).toBeLessThan(count);
            expect([sample.first, sample.second]).toContain(chosen);
            const other = chosen === sample.first ? sample.second : sample.first;
            expect(p2cCost(list[chosen]!, now)).toBeLessThanOrEqual(p2cCost(list[other]!, now));
          }
        },
      ),
    );
  });

  it("samples every pair of candidates uniformly", () => {
    const list = [0, 1, 2, 3].map(() => candidate(1, 0, 10));
    const random = seeded(99);
    const sample: PickSample = { first: -1, second: -1 };
    const pairs = new Map<string, number>();
    for (let i = 0; i < 60_000; i++) {
      pickP2C(list, 4, random, 0, sample);
      const key = `${Math.min(sample.first, sample.second)}${Math.max(sample.first, sample.second)}`;
      pairs.set(key, (pairs.get(key) ?? 0) + 1);
    }
    expect(pairs.size).toBe(6);
    for (const n of pairs.values()) expect(Math.abs(n - 10_000)).toBeLessThan(500);
  });
});
