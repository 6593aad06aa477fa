import { afterEach, describe, expect, it, vi } from "vitest";
import { lognormal, uniform } from "./distributions";
import { ManualClock } from "./manual-clock";
import { seededRandom } from "./seeded-random";
import { createSimulatedFleet } from "./simulated-fleet";
import type { UpstreamModel } from "./upstream-model";

const A = "https://a.test";
const B = "https://b.test";

function fleetOf(upstreams: Record<string, UpstreamModel>, seed = 1) {
  const clock = new ManualClock();
  const fleet = createSimulatedFleet({ clock, random: seededRandom(seed), upstreams });
  return { clock, fleet };
}

/** Resolves to "pending" if `promise` has not settled after the clock's promise chains did. */
async function state(clock: ManualClock, promise: Promise<unknown>): Promise<unknown> {
  let outcome: unknown = "pending";
  promise.then(
    (value) => {
      outcome = value instanceof Response ? value.status : value;
    },
    (error: unknown) => {
      outcome = error;
    },
  );
  await clock.advanceAsync(0);
  return outcome;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("createSimulatedFleet", () => {
  it("answers with a real 200 Response after the upstream's latency", async () => {
    const { clock, fleet } = fleetOf({ [A]: { latency: 25 } });
    const pending = fleet.fetch(`${A}/v1/users/42`);
    await clock.advanceAsync(24);
    expect(await state(clock, pending)).toBe("pending");
    expect(fleet.stats(A).inFlight).toBe(1);
    await clock.advanceAsync(1);
    const res = await pending;
    expect(res).toBeInstanceOf(Response);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok");
    expect(fleet.stats(A)).toMatchObject({ requests: 1, inFlight: 0, maxInFlight: 1, ok: 1 });
  });

  it("creates the Response when the latency elapses, not when the call starts", async () => {
    let created = 0;
    const Real = Response;
    vi.stubGlobal(
      "Response",
      class extends Real {
        constructor(body?: BodyInit | null, init?: ResponseInit) {
          super(body, init);
          created++;
        }
      },
    );
    const { clock, fleet } = fleetOf({ [A]: { latency: 10 } });
    const pending = fleet.fetch(A);
    await clock.advanceAsync(9);
    expect(created).toBe(0);
    await clock.advanceAsync(1);
    expect(created).toBe(1);
    await pending;
  });

  it("takes URL and Request inputs, and origins in any spelling", async () => {
    const { clock, fleet } = fleetOf({ [`${A}/`]: { latency: 1 } });
    const calls = [
      fleet.fetch(new URL("/x", A)),
      fleet.fetch(new Request(`${A}/y`, { method: "POST", body: "hi" })),
      fleet.fetch("HTTPS://A.TEST:443/z?q#h"),
    ];
    await clock.advanceAsync(1);
    expect((await Promise.all(calls)).map((res) => res.status)).toEqual([200, 200, 200]);
    expect(fleet.stats("https://A.test").requests).toBe(3);
  });

  it("rejects an unknown origin with TypeError('fetch failed'), like a refused connection", async () => {
    const { fleet } = fleetOf({ [A]: {} });
    const error = await fleet.fetch("https://nowhere.test/").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe("fetch failed");
    expect(((error as TypeError).cause as { code: string }).code).toBe("ECONNREFUSED");
    await expect(fleet.fetch("/relative")).rejects.toBeInstanceOf(TypeError);
  });

  it("answers `status` for a share `errorRate` of calls", async () => {
    const { clock, fleet } = fleetOf({ [A]: { latency: 1, errorRate: 0.2, status: 502 } });
    const calls = Array.from({ length: 10_000 }, () => fleet.fetch(A));
    await clock.advanceAsync(1);
    const statuses = (await Promise.all(calls)).map((res) => res.status);
    const errors = statuses.filter((status) => status === 502).length;
    expect(errors + statuses.filter((status) => status === 200).length).toBe(10_000);
    // Binomial(10_000, 0.2): standard deviation 40; allow 5 of them.
    expect(errors).toBeGreaterThan(1_800);
    expect(errors).toBeLessThan(2_200);
    expect(fleet.stats(A)).toMatchObject({ errors, ok: 10_000 - errors });
  });

  it("uses the given body and headers", async () => {
    const { clock, fleet } = fleetOf({
      [A]: { body: (status) => `status ${status}`, headers: { "retry-after": "1" }, errorRate: 1 },
      [B]: { body: null },
    });
    const a = fleet.fetch(A);
    const b = fleet.fetch(B);
    await clock.advanceAsync(1);
    const resA = await a;
    expect(resA.status).toBe(503);
    expect(resA.headers.get("retry-after")).toBe("1");
    expect(await resA.text()).toBe("status 503");
    expect((await b).body).toBeNull();
  });

  it("refuses calls during a 'refuse' outage within 1 ms, then recovers", async () => {
    const { clock, fleet } = fleetOf({
      [A]: { latency: 5, outages: [{ from: 100, to: 200, mode: "refuse" }] },
    });
    await clock.advanceAsync(100);
    const refused = fleet.fetch(A).catch((e: unknown) => e);
    await clock.advanceAsync(1);
    const error = await refused;
    expect(error).toBeInstanceOf(TypeError);
    expect(((error as TypeError).cause as Error).message).toMatch(/ECONNREFUSED/);
    await clock.advanceAsync(99);
    const after = fleet.fetch(A);
    await clock.advanceAsync(5);
    expect((await after).status).toBe(200);
    expect(fleet.stats(A)).toMatchObject({
      requests: 2,
      refused: 1,
      ok: 1,
      arrivedWhileDown: 1,
      arrivalsWhileDown: [100],
    });
  });

  it("answers the outage's status during a 'status' outage", async () => {
    const { clock, fleet } = fleetOf({
      [A]: { latency: 5, outages: [{ from: 0, to: 10, mode: "status", status: 500, latency: 2 }] },
    });
    const pending = fleet.fetch(A);
    await clock.advanceAsync(2);
    expect((await pending).status).toBe(500);
    expect(fleet.stats(A)).toMatchObject({ errors: 1, arrivedWhileDown: 1 });
  });

  it("uses the outage's latency during a 'slow' outage", async () => {
    const { clock, fleet } = fleetOf({
      [A]: { latency: 5, outages: [{ from: 0, to: 10, mode: "slow", latency: 700 }] },
    });
    const slow = fleet.fetch(A);
    await clock.advanceAsync(10);
    const fast = fleet.fetch(A);
    await clock.advanceAsync(5);
    expect(await state(clock, fast)).toBe(200);
    expect(await state(clock, slow)).toBe("pending");
    await clock.advanceAsync(685);
    expect(await state(clock, slow)).toBe(200);
  });

  it("never answers during a 'hang' outage until the call is aborted", async () => {
    const { clock, fleet } = fleetOf({ [A]: { outages: [{ from: 0, to: 1e9, mode: "hang" }] } });
    const controller = new AbortController();
    const pending = fleet.fetch(A, { signal: controller.signal });
    await clock.advanceAsync(3_600_000);
    expect(await state(clock, pending)).toBe("pending");
    expect(clock.pendingTimers).toBe(0);
    expect(fleet.stats(A).inFlight).toBe(1);
    const reason = new Error("gave up");
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(fleet.stats(A)).toMatchObject({ inFlight: 0, aborted: 1 });
  });

  it("on abort rejects with signal.reason, clears its timer and counts the call", async () => {
    const { clock, fleet } = fleetOf({ [A]: { latency: 100 } });
    const controller = new AbortController();
    const pending = fleet.fetch(new Request(A, { signal: controller.signal }));
    await clock.advanceAsync(10);
    expect(clock.pendingTimers).toBe(1);
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    expect((error as DOMException).name).toBe("AbortError");
    expect(clock.pendingTimers).toBe(0);
    expect(fleet.stats(A)).toMatchObject({ requests: 1, inFlight: 0, aborted: 1, ok: 0 });
  });

  it("rejects at once for a signal that is already aborted", async () => {
    const { clock, fleet } = fleetOf({ [A]: {} });
    const reason = new Error("too late");
    await expect(fleet.fetch(A, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(clock.pendingTimers).toBe(0);
    expect(fleet.stats(A)).toMatchObject({ requests: 1, aborted: 1, inFlight: 0 });
  });

  it("ignores an abort after the answer", async () => {
    const { clock, fleet } = fleetOf({ [A]: { latency: 1 } });
    const controller = new AbortController();
    const pending = fleet.fetch(A, { signal: controller.signal });
    await clock.advanceAsync(1);
    controller.abort();
    expect((await pending).status).toBe(200);
    expect(fleet.stats(A)).toMatchObject({ ok: 1, aborted: 0 });
  });

  it("grows latency with calls in flight beyond an overloaded upstream's capacity", async () => {
    const { clock, fleet } = fleetOf({
      [A]: { latency: 10, overload: { capacity: 2, latencyPerExtra: 5 } },
    });
    const done: number[] = [];
    const calls = Array.from({ length: 4 }, () =>
      fleet.fetch(A).then(() => done.push(clock.now())),
    );
    await clock.runUntilIdle();
    await Promise.all(calls);
    expect(done).toEqual([10, 10, 15, 20]);
    expect(fleet.stats(A).maxInFlight).toBe(4);
  });

  it("replays the same latencies for the same seed, per upstream", async () => {
    const run = async (seed: number, callsToB: number) => {
      const { clock, fleet } = fleetOf(
        {
          [A]: { latency: lognormal({ median: 20, sigma: 0.5 }) },
          [B]: { latency: uniform(1, 2) },
        },
        seed,
      );
      const ends: number[] = [];
      for (let i = 0; i < 50; i++) {
        for (let j = 0; j < callsToB; j++) void fleet.fetch(B);
        const start = clock.now();
        void fleet.fetch(A).then(() => ends.push(clock.now() - start));
        await clock.advanceAsync(1_000);
      }
      return ends;
    };
    const first = await run(5, 0);
    expect(await run(5, 0)).toEqual(first);
    // B has a random stream of its own, so calls to it do not shift A's draws.
    expect(await run(5, 3)).toEqual(first);
    expect(await run(6, 0)).not.toEqual(first);
  });

  it("keeps requests = ok + errors + refused + aborted + inFlight, and reset zeroes counters", async () => {
    const { clock, fleet } = fleetOf({
      [A]: { latency: 5, errorRate: 0.5, outages: [{ from: 50, to: 60, mode: "refuse" }] },
    });
    const controller = new AbortController();
    for (let i = 0; i < 100; i++) {
      void fleet.fetch(A, { signal: i % 10 === 0 ? controller.signal : undefined }).catch(() => {});
      if (i === 92) controller.abort();
      await clock.advanceAsync(1);
    }
    const s = fleet.stats(A);
    expect(s.requests).toBe(100);
    expect(s.ok + s.errors + s.refused + s.aborted + s.inFlight).toBe(100);
    expect(s.refused).toBeGreaterThan(0);
    expect(s.aborted).toBeGreaterThan(0);
    expect(s.inFlight).toBeGreaterThan(0);
    const inFlight = s.inFlight;
    fleet.reset();
    expect(fleet.stats()[A]).toEqual({
      requests: 0,
      inFlight,
      maxInFlight: inFlight,
      ok: 0,
      errors: 0,
      refused: 0,
      aborted: 0,
      arrivedWhileDown: 0,
      arrivalsWhileDown: [],
    });
    await clock.advanceAsync(10);
    expect(fleet.stats(A).inFlight).toBe(0);
  });

  it("rejects bad models with errors that name the option", () => {
    const clock = new ManualClock();
    const make = (upstreams: Record<string, UpstreamModel>) => () =>
      createSimulatedFleet({ clock, upstreams });
    expect(make({ [A]: { errorRate: 1.5 } })).toThrow(
      'upstreams["https://a.test"].errorRate must be a number in [0, 1], got 1.5',
    );
    expect(make({ [A]: { status: 99 } })).toThrow(
      /status must be an integer status in \[200, 599\]/,
    );
    expect(make({ [A]: { outages: [{ from: 0, to: 1, mode: "slow" }] } })).toThrow(
      /outages\[0\]\.latency is required/,
    );
    expect(make({ [A]: { outages: [{ from: 5, to: 5, mode: "hang" }] } })).toThrow(
      /to must be > from/,
    );
    expect(make({ [`${A}/api`]: {} })).toThrow(/must be an origin/);
    expect(make({ "not a url": {} })).toThrow(TypeError);
    expect(make({ [A]: {}, "https://A.test:443": {} })).toThrow(/twice/);
    expect(() => createSimulatedFleet({ clock, upstreams: { [A]: {} } }).stats(B)).toThrow(
      /no simulated upstream/,
    );
  });
});
