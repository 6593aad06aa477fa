import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PeakEwma } from "../stats/peak-ewma";
import type { BalancerCandidate } from "./candidate";
import { BALANCER_NAMES, type BalancerName, createPicker } from "./picker";

describe("createPicker", () => {
  it("returns one shared picker per balancer", () => {
    for (const name of BALANCER_NAMES) expect(createPicker(name)).toBe(createPicker(name));
    expect(new Set(BALANCER_NAMES.map((name) => createPicker(name).pick)).size).toBe(4);
  });

  it("says which pickers give shares in proportion to weights", () => {
    expect(BALANCER_NAMES.filter((name) => createPicker(name).proportional)).toEqual([
      "round-robin",
      "random",
    ]);
  });

  it("rejects an unknown name, listing the accepted ones", () => {
    expect(() => createPicker("toString" as BalancerName)).toThrow(
      'balancer must be one of "p2c", "round-robin", "random", "least-request", got "toString"',
    );
  });

  it("never returns an index outside [0, count), whatever random() returns (property)", () => {
    const arbCandidate = fc.record({
      weight: fc.double({ min: 0.001, max: 1_000, noNaN: true }),
      inFlight: fc.nat(100),
      latency: fc.option(fc.double({ min: 0, max: 10_000, noNaN: true }), { nil: undefined }),
    });
    // Includes what a careless injected random() might return: exactly 1, negatives, NaN.
    const arbDraw = fc.oneof(
      fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      fc.constantFrom(0, 1, 0.999_999_999_999_999_9, -0.5, Number.NaN),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...BALANCER_NAMES),
        fc.array(arbCandidate, { minLength: 1, maxLength: 12 }),
        fc.nat(),
        fc.array(arbDraw, { minLength: 1, maxLength: 8 }),
        (name, specs, cut, draws) => {
          const list: BalancerCandidate[] = specs.map((s) => {
            const ewma = new PeakEwma();
            if (s.latency !== undefined) ewma.observe(s.latency, 0);
            return { weight: s.weight, inFlight: s.inFlight, ewma, wrrCurrent: 0 };
          });
          const count = 1 + (cut % list.length);
          let i = 0;
          const random = () => draws[i++ % draws.length]!;
          const picker = createPicker(name);
          for (let round = 0; round < 10; round++) {
            const index = picker.pick(list, count, random, round * 100);
            expect(index).toBeGreaterThanOrEqual(0);
            expect(index).toBeLessThan(count);
          }
          expect(picker.pick(list, 0, random, 0)).toBe(-1);
        },
      ),
    );
  });
});
