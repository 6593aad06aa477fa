import { describe, expect, it } from "vitest";
import type { Random } from "../random";
import { PeakEwma } from "../stats/peak-ewma";
import { seededRandom as seeded } from "../testing/seeded-random";
import type { BalancerCandidate } from "./candidate";
import { pickP2C } from "./p2c";
import { pickSmoothWeightedRoundRobin } from "./smooth-weighted-round-robin";

type Pick = (
  list: readonly BalancerCandidate[],
  count: number,
  random: Random,
  now: number,
) => number;

interface Outcome {
  p99: number;
  shares: number[];
}

/**
 * Open-loop Poisson arrivals on virtual time against upstreams with fixed mean latencies
 * (±20% jitter, independent of load), feeding each finished call into its upstream's EWMA.
 */
function simulate(pick: Pick, latencies: number[], perMs: number, durationMs: number): Outcome {
  const random = seeded(7);
  const list: BalancerCandidate[] = latencies.map(() => ({
    weight: 1,
    inFlight: 0,
    ewma: new PeakEwma(),
    wrrCurrent: 0,
  }));
  const pending: { at: number; upstream: number; took: number }[] = [];
  const took: number[] = [];
  const picks = latencies.map(() => 0);
  let now = 0;
  while (now < durationMs) {
    now += -Math.log(1 - random()) / perMs;
    while (pending.length > 0 && pending[0]!.at <= now) {
      const done = pending.shift()!;
      const upstream = list[done.upstream]!;
      upstream.inFlight--;
      upstream.ewma.observe(done.took, done.at);
      took.push(done.took);
    }
    const i = pick(list, list.length, random, now);
    picks[i]!++;
    list[i]!.inFlight++;
    const latency = latencies[i]! * (0.8 + 0.4 * random());
    const call = { at: now + latency, upstream: i, took: latency };
    let at = pending.length;
    while (at > 0 && pending[at - 1]!.at > call.at) at--;
    pending.splice(at, 0, call);
  }
  took.sort((a, b) => a - b);
  const total = picks.reduce((a, b) => a + b, 0);
  return { p99: took[Math.ceil(0.99 * took.length) - 1]!, shares: picks.map((n) => n / total) };
}

describe("p2c on a simulated fleet with one 10x slow upstream", () => {
  for (const [load, perMs] of [
    ["light load (about 5 in flight per upstream)", 0.5],
    ["heavy load (about 20 in flight per upstream)", 4],
  ] as const) {
    it(`keeps p99 within 1.5x of the all-healthy baseline under ${load}`, () => {
      const baseline = simulate(pickP2C, [10, 10, 10, 10], perMs, 20_000);
      const degraded = simulate(pickP2C, [10, 10, 10, 100], perMs, 20_000);
      expect(degraded.shares[3]).toBeLessThan(0.005);
      expect(degraded.p99).toBeLessThan(1.5 * baseline.p99);
    });
  }

  it("is needed: round robin sends the slow upstream its full share and p99 suffers", () => {
    const roundRobin = simulate(pickSmoothWeightedRoundRobin, [10, 10, 10, 100], 0.5, 5_000);
    expect(roundRobin.shares[3]).toBeCloseTo(0.25, 2);
    expect(roundRobin.p99).toBeGreaterThan(80);
  });
});
