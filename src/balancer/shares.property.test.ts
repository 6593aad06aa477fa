import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PeakEwma } from "../stats/peak-ewma";
import { seededRandom } from "../testing/seeded-random";
import type { BalancerCandidate } from "./candidate";
import { BALANCER_NAMES, createPicker } from "./picker";

/**
 * Shares under a closed loop: `concurrency` calls are always in flight, each pick adds one
 * to its upstream and the oldest call finishes (latencies equal, so only weight and load
 * tell upstreams apart). Returns each upstream's share of `picks`.
 */
function shares(
  name: (typeof BALANCER_NAMES)[number],
  weights: number[],
  seed: number,
  picks = 6_000,
) {
  const list: BalancerCandidate[] = weights.map((weight) => {
    const ewma = new PeakEwma();
    ewma.observe(20, 0);
    return { weight, inFlight: 0, ewma, wrrCurrent: 0 };
  });
  const random = seededRandom(seed);
  const picker = createPicker(name);
  const concurrency = 4 * weights.reduce((a, b) => a + b, 0);
  const queue: number[] = [];
  const counts = weights.map(() => 0);
  for (let i = 0; i < picks; i++) {
    if (queue.length >= concurrency) list[queue.shift()!]!.inFlight--;
    const index = picker.pick(list, list.length, random, 0);
    list[index]!.inFlight++;
    queue.push(index);
    counts[index]!++;
  }
  return counts.map((c) => c / picks);
}

describe("balancer shares (properties)", () => {
  const weights = fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 2, maxLength: 5 });

  it("gives every upstream its weight's share under steady load, in every balancer", () => {
    fc.assert(
      fc.property(fc.constantFrom(...BALANCER_NAMES), weights, fc.integer(), (name, w, seed) => {
        const total = w.reduce((a, b) => a + b, 0);
        const got = shares(name, w, seed);
        got.forEach((share, i) => {
          expect(Math.abs(share - w[i]! / total), `${name} ${w} upstream ${i}`).toBeLessThan(0.05);
        });
      }),
      { numRuns: 200 },
    );
  });

  it("never gives a heavier upstream a smaller share than a lighter one, beyond sampling noise", () => {
    fc.assert(
      fc.property(fc.constantFrom(...BALANCER_NAMES), weights, fc.integer(), (name, w, seed) => {
        const got = shares(name, w, seed);
        for (let i = 0; i < w.length; i++) {
          for (let j = 0; j < w.length; j++) {
            if (w[i]! > w[j]!) expect(got[i]!, `${name} ${w}`).toBeGreaterThan(got[j]! - 0.02);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
