import { describe, expect, it } from "vitest";
import { type ClientOptions, createClient, type FetchLike } from "../../src/index";
import {
  createSimulatedFleet,
  lognormal,
  ManualClock,
  runSimulation,
  seededRandom,
  summarize,
} from "../../src/testing/index";
import { scriptedFetch } from "./helpers/scripted-fetch";

const A = "https://a.test";
const B = "https://b.test";
const C = "https://c.test";
const D = "https://d.test";

/** Answers every attempt at once with 200 and counts attempts per upstream, in order. */
function instantFetch() {
  const order: string[] = [];
  const fetch: FetchLike = async (input) => {
    order.push(new URL(String(input)).origin);
    return new Response("ok");
  };
  const count = (from = 0, to = order.length) => {
    const counts: Record<string, number> = {};
    for (const origin of order.slice(from, to)) counts[origin] = (counts[origin] ?? 0) + 1;
    return counts;
  };
  return { fetch, order, count };
}

/** Four upstreams, `a` 10x slower, Poisson arrivals keeping ~8 calls in flight. */
async function oneSlow(balancer: ClientOptions["balancer"]) {
  const clock = new ManualClock();
  const fast = lognormal({ median: 20, sigma: 0.5 });
  const fleet = createSimulatedFleet({
    clock,
    random: seededRandom(5),
    upstreams: {
      [A]: { latency: lognormal({ median: 200, sigma: 0.5 }) },
      [B]: { latency: fast },
      [C]: { latency: fast },
      [D]: { latency: fast },
    },
  });
  const client = createClient({
    upstreams: [A, B, C, D],
    balancer,
    fetch: fleet.fetch,
    clock,
    random: seededRandom(6),
  });
  const result = await runSimulation({
    clock,
    calls: 3_000,
    ratePerSecond: 400,
    arrivals: "poisson",
    random: seededRandom(7),
    call: () => client.fetch("/v1/items"),
  });
  await client.close();
  return { share: fleet.stats(A).requests / 3_000, p99: summarize(result.latencies).p99 };
}

describe("balancing through the client", () => {
  it("p2c sends few calls to a 10x slower upstream; round-robin sends it a quarter", async () => {
    const p2c = await oneSlow("p2c");
    const roundRobin = await oneSlow("round-robin");
    expect(p2c.share).toBeLessThan(0.02);
    expect(roundRobin.share).toBe(0.25);
    expect(p2c.p99).toBeLessThan(130); // 2x the p99 of the fast ones alone (≈ 64 ms)
    expect(roundRobin.p99).toBeGreaterThan(300);
  });

  it("round-robin follows weights 1:2:3, evenly interleaved", async () => {
    const { fetch, order, count } = instantFetch();
    const client = createClient({
      upstreams: [A, { url: B, weight: 2 }, { url: C, weight: 3 }],
      balancer: "round-robin",
      fetch,
      clock: new ManualClock(),
    });
    for (let i = 0; i < 60; i++) await client.fetch("/");
    expect(count()).toEqual({ [A]: 10, [B]: 20, [C]: 30 });
    // Smooth weighted round robin: every run of 6 picks has the exact 1:2:3 mix.
    for (let from = 0; from < 60; from += 6) {
      expect(count(from, from + 6)).toEqual({ [A]: 1, [B]: 2, [C]: 3 });
    }
    expect(order.slice(0, 6)).toEqual([C, B, A, C, B, C]);
    await client.close();
  });

  it("random follows weights 1:2:3 on average", async () => {
    const { fetch, count } = instantFetch();
    const client = createClient({
      upstreams: [A, { url: B, weight: 2 }, { url: C, weight: 3 }],
      balancer: "random",
      fetch,
      clock: new ManualClock(),
      random: seededRandom(9),
    });
    for (let i = 0; i < 3_000; i++) await client.fetch("/");
    const counts = count();
    expect(counts[A]! / 3_000).toBeCloseTo(1 / 6, 1);
    expect(counts[B]! / 3_000).toBeCloseTo(2 / 6, 1);
    expect(counts[C]! / 3_000).toBeCloseTo(3 / 6, 1);
    await client.close();
  });

  it("least-request sends no second call to an upstream whose first has not come back", async () => {
    const clock = new ManualClock();
    const { fetch, sent } = scriptedFetch();
    const client = createClient({
      upstreams: [A, B],
      balancer: "least-request",
      fetch,
      clock,
      timeout: false,
    });
    const pending: Array<Promise<Response>> = [];
    for (let i = 0; i < 10; i++) {
      pending.push(client.fetch("/"));
      await clock.advanceAsync(0);
      // b answers at once; a never does until the end.
      for (const attempt of sent) if (attempt.url.startsWith(B)) attempt.respond(200);
      await clock.advanceAsync(0);
    }
    const toA = sent.filter((s) => s.url.startsWith(A));
    expect(toA).toHaveLength(1);
    expect(client.stats().upstreams.map((u) => u.inFlight)).toEqual([1, 0]);
    toA[0]!.respond(200);
    await Promise.all(pending);
    await client.close();
  });

  it("ramps an upstream added later up over the slow-start window", async () => {
    const { fetch, order, count } = instantFetch();
    const clock = new ManualClock();
    const client = createClient({
      upstreams: [A, B, C],
      balancer: "round-robin",
      fetch,
      clock,
      slowStart: { window: 30_000 },
    });
    client.setUpstreams([A, B, C, D]);
    const shareOfD = async () => {
      const from = order.length;
      for (let i = 0; i < 310; i++) await client.fetch("/");
      return (count(from)[D] ?? 0) / 310;
    };
    expect(await shareOfD()).toBeCloseTo(0.1 / 3.1, 2); // 10% of its weight at first
    clock.advance(15_000);
    expect(await shareOfD()).toBeCloseTo(0.5 / 3.5, 2);
    clock.advance(15_000);
    expect(await shareOfD()).toBeCloseTo(1 / 4, 2);
    await client.close();
  });
});
