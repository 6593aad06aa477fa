import { describe, expect, it } from "vitest";
import { sleep } from "../clock";
import { lognormal, withStragglers } from "./distributions";
import { ManualClock } from "./manual-clock";
import { runSimulation } from "./run-simulation";
import { seededRandom } from "./seeded-random";
import { createSimulatedFleet } from "./simulated-fleet";
import { summarize } from "./summarize";

const A = "https://a.test";

function setup(seed: number) {
  const clock = new ManualClock();
  const fleet = createSimulatedFleet({
    clock,
    random: seededRandom(seed),
    upstreams: {
      [A]: {
        latency: withStragglers(lognormal({ median: 20, sigma: 0.5 }), {
          probability: 0.01,
          latency: 400,
        }),
        errorRate: 0.05,
        outages: [{ from: 2_000, to: 3_000, mode: "refuse" }],
      },
    },
  });
  return { clock, fleet };
}

async function simulate(seed: number, calls = 2_000) {
  const { clock, fleet } = setup(seed);
  const result = await runSimulation({
    clock,
    calls,
    ratePerSecond: 500,
    arrivals: "poisson",
    random: seededRandom(seed + 1),
    call: () => fleet.fetch(`${A}/`),
  });
  return { result, stats: fleet.stats(A) };
}

describe("runSimulation", () => {
  it("completes 10,000 calls and accounts for every one", async () => {
    const { clock, fleet } = setup(1);
    const result = await runSimulation({
      clock,
      calls: 10_000,
      ratePerSecond: 1_000,
      call: () => fleet.fetch(A),
    });
    const answered = Object.values(result.statusCounts).reduce((a, b) => a + b, 0);
    expect(answered + result.errors).toBe(10_000);
    expect(result.errorsByName).toEqual({ TypeError: 1_000 }); // refused for 1 s at 1,000/s
    expect(result.ok).toBe(result.statusCounts[200]);
    expect(result.latencies.filter(Number.isNaN).length).toBe(1_000);
    // The last call starts at 9,999 ms; stragglers take 400 ms.
    expect(result.durationMs).toBeGreaterThan(9_999);
    expect(result.durationMs).toBeLessThanOrEqual(9_999 + 400);
    expect(summarize(result.latencies).p50).toBeCloseTo(20, 0);
    expect(fleet.stats(A)).toMatchObject({ requests: 10_000, inFlight: 0, refused: 1_000 });
  });

  it("gives identical results for the same seeds, and different ones for another seed", async () => {
    const first = await simulate(7);
    const second = await simulate(7);
    expect(Array.from(second.result.latencies)).toEqual(Array.from(first.result.latencies));
    expect(second.result.statusCounts).toEqual(first.result.statusCounts);
    expect(second.result.errorsByName).toEqual(first.result.errorsByName);
    expect(second.result.durationMs).toBe(first.result.durationMs);
    expect(second.stats).toEqual(first.stats);
    const other = await simulate(8);
    expect(Array.from(other.result.latencies)).not.toEqual(Array.from(first.result.latencies));
  });

  it("starts call i at i / ratePerSecond for fixed arrivals", async () => {
    const clock = new ManualClock(500);
    const starts: number[] = [];
    await runSimulation({
      clock,
      calls: 5,
      ratePerSecond: 4,
      call: async (i) => {
        starts[i] = clock.now();
        return new Response(null);
      },
    });
    expect(starts).toEqual([500, 750, 1_000, 1_250, 1_500]);
  });

  it("draws Poisson gaps with the given mean rate", async () => {
    const clock = new ManualClock();
    const result = await runSimulation({
      clock,
      calls: 5_001,
      ratePerSecond: 100,
      arrivals: "poisson",
      random: seededRandom(3),
      call: async () => new Response(null),
    });
    // 5,000 exponential gaps of mean 10 ms: 50 s, standard deviation 0.7 s.
    expect(result.durationMs).toBeGreaterThan(47_000);
    expect(result.durationMs).toBeLessThan(53_000);
  });

  it("starts calls at explicitly listed offsets", async () => {
    const clock = new ManualClock();
    const starts: number[] = [];
    await runSimulation({
      clock,
      calls: 3,
      arrivals: [0, 0, 12.5],
      call: async (i) => {
        starts[i] = clock.now();
        return new Response("x");
      },
    });
    expect(starts).toEqual([0, 0, 12.5]);
  });

  it("measures latency through async work on virtual time, body included", async () => {
    const { clock, fleet } = setup(2);
    let read = 0;
    const result = await runSimulation({
      clock,
      calls: 100,
      ratePerSecond: 10,
      readBody: true,
      // A tiny retrying client: sleeps 50 ms and retries once on a 503 or a refusal.
      call: async () => {
        for (let attempt = 0; ; attempt++) {
          try {
            const res = await fleet.fetch(A);
            if (res.status !== 503 || attempt === 1) {
              const text = await res.text();
              read++;
              return new Response(text, res);
            }
            await res.body?.cancel();
          } catch (error) {
            if (attempt === 1) throw error;
          }
          await sleep(clock, 50);
        }
      },
    });
    expect(read).toBe(100 - result.errors);
    for (const latency of result.latencies) {
      if (!Number.isNaN(latency)) expect(latency).toBeGreaterThan(0);
    }
  });

  it("records failures as NaN latencies, by error name, including a synchronous throw", async () => {
    const clock = new ManualClock();
    const result = await runSimulation({
      clock,
      calls: 4,
      ratePerSecond: 1,
      call: (i) => {
        if (i === 0) throw new RangeError("sync");
        if (i === 1) return Promise.reject(new DOMException("t", "TimeoutError"));
        if (i === 2) return Promise.reject("a string");
        return Promise.resolve(new Response("ok", { status: 503 }));
      },
    });
    expect(result.errors).toBe(3);
    expect(result.errorsByName).toEqual({ RangeError: 1, TimeoutError: 1, string: 1 });
    expect(Array.from(result.latencies)).toEqual([Number.NaN, Number.NaN, Number.NaN, 0]);
    expect(result.statusCounts).toEqual({ 503: 1 });
    expect(result.ok).toBe(0);
  });

  it("counts calls that can never settle as Unsettled and returns", async () => {
    const clock = new ManualClock();
    const fleet = createSimulatedFleet({
      clock,
      upstreams: { [A]: { latency: 5, outages: [{ from: 10, to: 20, mode: "hang" }] } },
    });
    const result = await runSimulation({
      clock,
      calls: 30,
      ratePerSecond: 1_000,
      call: () => fleet.fetch(A),
    });
    expect(result.errorsByName).toEqual({ Unsettled: 10 });
    expect(result.statusCounts).toEqual({ 200: 20 });
  });

  it("stops when the last call settles, although a background timer keeps ticking", async () => {
    const clock = new ManualClock();
    const tick = () => clock.setTimeout(tick, 1_000);
    tick();
    const fleet = createSimulatedFleet({ clock, upstreams: { [A]: { latency: 30 } } });
    const result = await runSimulation({
      clock,
      calls: 3,
      ratePerSecond: 100,
      call: () => fleet.fetch(A),
    });
    expect(result.durationMs).toBe(50);
    expect(clock.now()).toBe(50);
  });

  it("rejects bad options with errors that name them", async () => {
    const clock = new ManualClock();
    const call = async () => new Response(null);
    await expect(runSimulation({ clock, calls: 1.5, ratePerSecond: 1, call })).rejects.toThrow(
      /calls must be an integer >= 0/,
    );
    await expect(runSimulation({ clock, calls: 1, call })).rejects.toThrow(/ratePerSecond/);
    await expect(
      runSimulation({ clock, calls: 2, ratePerSecond: 1, arrivals: "poisson", call }),
    ).rejects.toThrow(/needs `random`/);
    await expect(runSimulation({ clock, calls: 2, arrivals: [5, 1], call })).rejects.toThrow(
      /arrivals\[1\] must be finite and >= 5/,
    );
    await expect(runSimulation({ clock, calls: 3, arrivals: [1], call })).rejects.toThrow(
      /arrivals has 1 entries/,
    );
  });
});
