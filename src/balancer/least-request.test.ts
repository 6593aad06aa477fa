import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PeakEwma } from "../stats/peak-ewma";
import type { BalancerCandidate } from "./candidate";
import { pickLeastRequest } from "./least-request";
import type { PickSample } from "./p2c";

function candidate(weight: number, inFlight: number, latency = 10): BalancerCandidate {
  const ewma = new PeakEwma();
  ewma.observe(latency, 0);
  return { weight, inFlight, ewma, wrrCurrent: 0 };
}

const load = (c: BalancerCandidate) => (c.inFlight + 1) / c.weight;

describe("pickLeastRequest", () => {
  it("takes the sample with fewer requests in flight per unit of weight, ignoring latency", () => {
    const list = [candidate(1, 3, 1), candidate(1, 1, 500)];
    expect(pickLeastRequest(list, 2, () => 0)).toBe(1);
    const weighted = [candidate(1, 1), candidate(3, 4)]; // 2 vs 5/3
    expect(pickLeastRequest(weighted, 2, () => 0)).toBe(1);
  });

  it("returns 0 for one candidate and -1 for none", () => {
    expect(pickLeastRequest([candidate(1, 9)], 1, () => 0.5)).toBe(0);
    expect(pickLeastRequest([candidate(1, 9)], 0, () => 0.5)).toBe(-1);
  });

  it("never picks the more loaded of its two samples (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0.01, max: 100, noNaN: true }), fc.nat(100)), {
          minLength: 2,
          maxLength: 10,
        }),
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
          minLength: 2,
          maxLength: 2,
        }),
        (specs, draws) => {
          const list = specs.map(([weight, inFlight]) => candidate(weight, inFlight));
          const sample: PickSample = { first: -1, second: -1 };
          let i = 0;
          const chosen = pickLeastRequest(list, list.length, () => draws[i++]!, 0, sample);
          expect(sample.first).not.toBe(sample.second);
          expect([sample.first, sample.second]).toContain(chosen);
          const other = chosen === sample.first ? sample.second : sample.first;
          expect(load(list[chosen]!)).toBeLessThanOrEqual(load(list[other]!));
        },
      ),
    );
  });
});
