import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PeakEwma } from "../stats/peak-ewma";
import type { BalancerCandidate } from "./candidate";
import { pickSmoothWeightedRoundRobin } from "./smooth-weighted-round-robin";

function candidates(weights: readonly number[]): BalancerCandidate[] {
  return weights.map((weight) => ({ weight, inFlight: 0, ewma: new PeakEwma(), wrrCurrent: 0 }));
}

function picks(list: BalancerCandidate[], n: number, count = list.length): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(pickSmoothWeightedRoundRobin(list, count));
  return out;
}

describe("pickSmoothWeightedRoundRobin", () => {
  it("interleaves 5:1:1 as nginx documents: a a b a c a a", () => {
    const sequence = picks(candidates([5, 1, 1]), 14).map((i) => "abc"[i]);
    expect(sequence.join(" ")).toBe("a a b a c a a a a b a c a a");
  });

  it("gives 1:2:3 exactly its shares over 100,000 picks", () => {
    const counts = [0, 0, 0];
    for (const i of picks(candidates([1, 2, 3]), 100_002)) counts[i]!++;
    expect(counts).toEqual([16_667, 33_334, 50_001]);
  });

  it("picks each candidate exactly `weight` times in every cycle of Σweights picks", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 8 }),
        (weights) => {
          const list = candidates(weights);
          const total = weights.reduce((a, b) => a + b, 0);
          for (let cycle = 0; cycle < 3; cycle++) {
            const counts = weights.map(() => 0);
            for (const i of picks(list, total)) counts[i]!++;
            expect(counts).toEqual(weights);
          }
        },
      ),
    );
  });

  it("never picks the same upstream more times in a row than its weight", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 2, maxLength: 8 }),
        (weights) => {
          const list = candidates(weights);
          const total = weights.reduce((a, b) => a + b, 0);
          let previous = -1;
          let run = 0;
          for (const i of picks(list, total * 4)) {
            run = i === previous ? run + 1 : 1;
            previous = i;
            expect(run).toBeLessThanOrEqual(weights[i]!);
          }
        },
      ),
    );
  });

  it("always returns an index among the candidates offered, and -1 for none", () => {
    const list = candidates([3, 1, 1]);
    expect(pickSmoothWeightedRoundRobin(list, 0)).toBe(-1);
    expect(pickSmoothWeightedRoundRobin(list, 1)).toBe(0);
    expect(pickSmoothWeightedRoundRobin(list, 2)).toBeLessThan(2);
  });

  it("leaves an excluded candidate's score alone and lets it resume its turn", () => {
    const [a, b, c] = candidates([1, 1, 1]);
    const scratch = [a!, b!, c!];
    expect(pickSmoothWeightedRoundRobin(scratch, 3)).toBe(0); // a
    // a was tried already: the retry chooses among b and c only.
    const retry = [b!, c!];
    expect(pickSmoothWeightedRoundRobin(retry, 2)).toBe(0); // b
    expect(a!.wrrCurrent).toBe(-2); // untouched by the pick it sat out
    // Back to all three (as nginx does, a skipped peer gains nothing): counting the retry,
    // every run of three picks from the start gives each upstream exactly one turn.
    const next = picks(scratch, 7).map((i) => "abc"[i]);
    expect(next.join("")).toBe("cbcabca");
    const all = ["a", "b", ...next];
    for (let i = 0; i < 9; i += 3)
      expect(
        all
          .slice(i, i + 3)
          .sort()
          .join(""),
      ).toBe("abc");
  });

  it("keeps shares and bounded scores while the eligible subset changes at random", () => {
    const weights = [1, 2, 3, 4];
    const list = candidates(weights);
    const scratch: BalancerCandidate[] = [];
    let seed = 12345;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    for (let i = 0; i < 3_000; i++) {
      let count = 0;
      for (const candidate of list) if (random() < 0.7) scratch[count++] = candidate;
      if (count === 0) continue;
      const chosen = pickSmoothWeightedRoundRobin(scratch, count);
      expect(chosen).toBeGreaterThanOrEqual(0);
      expect(chosen).toBeLessThan(count);
      for (const candidate of list)
        expect(Math.abs(candidate.wrrCurrent)).toBeLessThanOrEqual(10 * 4);
    }
    // Once the subset is stable again, every cycle of Σweights picks gives exact shares
    // after at most one cycle of catching up.
    picks(list, 10);
    for (let cycle = 0; cycle < 3; cycle++) {
      const counts = [0, 0, 0, 0];
      for (const i of picks(list, 10)) counts[i]!++;
      for (let i = 0; i < 4; i++) expect(Math.abs(counts[i]! - weights[i]!)).toBeLessThanOrEqual(1);
    }
  });

  it("follows weights that change between picks (slow start)", () => {
    const list = candidates([1, 1]);
    list[1]!.weight = 0.1; // b just recovered
    const early = picks(list, 110).filter((i) => i === 1).length;
    list[1]!.weight = 1;
    const late = picks(list, 110).filter((i) => i === 1).length;
    expect(early).toBe(10);
    expect(late).toBeGreaterThanOrEqual(54);
    expect(late).toBeLessThanOrEqual(56);
  });

  it("treats a state object without a score as starting at 0", () => {
    const list = candidates([2, 1]);
    list[0]!.wrrCurrent = Number.NaN;
    expect(
      picks(list, 6)
        .map((i) => "ab"[i])
        .join(""),
    ).toBe("abaaba");
  });
});
