import { afterEach, describe, expect, it } from "vitest";
import {
  CircuitOpenError,
  type ClientEventMap,
  createClient,
  type FetchLike,
} from "../../src/index";
import { lognormal, ManualClock, type UpstreamModel } from "../../src/testing/index";
import { type LocalServer, refusedUrl, startServer, until } from "./helpers/local-server";
import { type BreakerEvent, simulate } from "./helpers/simulated-client";

const A = "https://a.test";
const B = "https://b.test";
const C = "https://c.test";

// Latency that varies, as real latency does: with constant latencies and one call in flight at
// a time, p2c would keep away from an upstream after a single failure, so its guard could
// take tens of seconds to count the failures it needs (few calls fail meanwhile, but the
// tests below are about the guard).
const typical: UpstreamModel = { latency: lognormal({ median: 10, sigma: 0.5 }) };
const refusing = (from = 0, to = Infinity): UpstreamModel => ({
  ...typical,
  outages: [{ from, to, mode: "refuse" }],
});

/** Answers at once: 503 from the upstreams in `failing`, 200 from the others; counts attempts. */
function instantFetch(failing: Set<string>) {
  const sent = new Map<string, number>();
  const fetch: FetchLike = async (input) => {
    const origin = new URL(String(input)).origin;
    sent.set(origin, (sent.get(origin) ?? 0) + 1);
    return new Response(failing.has(origin) ? "down" : "ok", {
      status: failing.has(origin) ? 503 : 200,
    });
  };
  return { fetch, sent };
}

describe("failover on simulated upstreams", () => {
  it("opens the breaker of an upstream refusing connections within 5 failed calls; callers see no errors", async () => {
    const { client, fleet, breakers, attempts, run } = simulate({
      [A]: refusing(),
      [B]: typical,
      [C]: typical,
    });
    const result = await run(1_000, 200);

    expect(result.ok).toBe(1_000);
    const opened = breakers.find((e) => e.upstream === A && e.to === "open");
    expect(opened?.reason).toBe("consecutive-failures");
    const failedBefore = attempts.filter((a) => a.upstream === A && a.at <= opened!.at);
    expect(failedBefore.length).toBeLessThanOrEqual(5);
    expect(failedBefore.every((a) => a.failed)).toBe(true);
    // 5 s of traffic: after opening, at most the odd half-open probe reached it.
    expect(fleet.stats(A).refused).toBeLessThanOrEqual(6);
    expect(client.stats().upstreams[0]!.state).not.toBe("up");
    await client.close();
  });

  it("readmits a recovered upstream within one open interval", async () => {
    const { client, breakers, run } = simulate(
      {
        [A]: refusing(0, 12_000),
        [B]: typical,
        [C]: typical,
      },
      { outlier: false, breaker: { openFor: { initial: 5_000, jitter: 0 } } },
    );
    const result = await run(6_000, 200);
    expect(result.ok).toBe(6_000);

    const ofA = breakers.filter((e) => e.upstream === A);
    const lastOpen = ofA.filter((e) => e.to === "open" && e.at < 12_000).at(-1)!;
    const { since, until } = lastOpen.state as { since: number; until: number };
    const closed = ofA.find((e) => e.to === "closed")!;
    expect(closed.reason).toBe("probes-succeeded");
    expect(closed.at).toBeGreaterThanOrEqual(12_000);
    // Open 5 s, then 10 s after the failed probe: back at ~15 s, 3 s after recovery.
    expect(closed.at - 12_000).toBeLessThanOrEqual(until - since);
    expect(ofA.filter((e) => e.to === "open")).toHaveLength(2);
    await client.close();
  });

  it("brings an ejected upstream back when its ejection ends, with a probe", async () => {
    const { client, attempts, run } = simulate(
      {
        [A]: { ...typical, outages: [{ from: 0, to: 20_000, mode: "status" }] },
        [B]: typical,
        [C]: typical,
      },
      // The breaker leaves failure streaks to the detector.
      { breaker: { consecutiveFailures: false } },
    );
    const ejections: Array<ClientEventMap["eject"]> = [];
    const readmits: number[] = [];
    client.on("eject", (e) => ejections.push(e));
    client.on("readmit", (e) => readmits.push(e.at));
    const result = await run(8_000, 200);

    expect(result.ok).toBe(8_000);
    expect(ejections).toHaveLength(1);
    const { at, until } = ejections[0]!;
    // Ejected for 30 s from ~0 s; it recovered at 20 s, within that interval.
    expect(until - at).toBe(30_000);
    expect(readmits).toHaveLength(1);
    expect(readmits[0]! - 20_000).toBeLessThanOrEqual(until - at);
    // The first pick after the ejection probes A, whatever its estimate and slow start say.
    const probe = attempts.find((a) => a.upstream === A && a.sentAt >= readmits[0]!)!;
    expect(probe.sentAt - readmits[0]!).toBeLessThanOrEqual(5);
    expect(client.stats().upstreams[0]!.state).toBe("up");
    await client.close();
  });

  it("rejects with CircuitOpenError once every breaker is open, without calling any upstream", async () => {
    const { clock, fleet, client } = simulate(
      { [A]: refusing(), [B]: refusing() },
      { retry: { backoff: { initial: 0 } } },
    );
    const errors: unknown[] = [];
    for (let i = 0; i < 10; i++) {
      const pending = client.fetch("/").catch((error: unknown) => error);
      await clock.advanceAsync(5);
      errors.push(await pending);
    }
    const first = errors.findIndex((e) => e instanceof CircuitOpenError);
    expect(first).toBeGreaterThan(0);
    expect((errors[0] as Error).name).toBe("NetworkError");
    const sent = fleet.stats(A).requests + fleet.stats(B).requests;
    const error = errors[errors.length - 1] as CircuitOpenError;
    expect(error.name).toBe("CircuitOpenError");
    expect(error.upstreams).toEqual([A, B]);
    expect(error.retryAt).toBeGreaterThan(clock.now());
    expect(error.attempts).toBe(0);
    await client.fetch("/").catch(() => {});
    expect(fleet.stats(A).requests + fleet.stats(B).requests).toBe(sent);
    await client.close();
  });

  it("spreads calls over all upstreams in panic mode when most are ejected", async () => {
    async function sharesAfterEjecting(panicThreshold: number) {
      const { fetch, sent } = instantFetch(new Set([A, B]));
      const client = createClient({
        upstreams: [A, B, C],
        fetch,
        clock: new ManualClock(),
        balancer: "round-robin",
        retry: false,
        breaker: false,
        outlier: { maxEjectionPercent: 100 },
        panicThreshold,
      });
      let ejected = 0;
      client.on("eject", () => ejected++);
      for (let i = 0; i < 15; i++) await client.fetch("/");
      expect(ejected).toBe(2);
      sent.clear();
      for (let i = 0; i < 30; i++) await client.fetch("/");
      await client.close();
      return [A, B, C].map((url) => sent.get(url) ?? 0);
    }
    // 1 healthy of 3 is under half: ignore ejection and use all three.
    expect(await sharesAfterEjecting(0.5)).toEqual([10, 10, 10]);
    expect(await sharesAfterEjecting(0)).toEqual([0, 0, 30]);
  });

  it("reports MTBF, MTTR and availability after an outage in stats()", async () => {
    const { clock, client, run } = simulate(
      {
        [A]: refusing(10_000, 20_000),
        [B]: typical,
        [C]: typical,
      },
      {
        balancer: "round-robin",
        outlier: false,
        breaker: { openFor: { initial: 2_000, multiplier: 1, jitter: 0 } },
      },
    );
    await run(8_000, 200);
    const [a, b] = client.stats().upstreams;
    const end = clock.now();
    const figures = a!.availability!;
    expect(figures.state).toBe("up");
    expect(figures.failures).toBe(1);
    // Opened just after 10 s; the first probe after 20 s closed it (probes every 2 s).
    expect(figures.mttr).toBeGreaterThanOrEqual(10_000);
    expect(figures.mttr).toBeLessThanOrEqual(12_100);
    expect(figures.mtbf).toBeCloseTo(end - figures.mttr!, 6);
    expect(figures.availability).toBeCloseTo(figures.mtbf! / (figures.mtbf! + figures.mttr!), 9);
    expect(figures.availability).toBeGreaterThan(0.7);
    expect(figures.availability).toBeLessThan(0.76);
    expect(figures.uptimeRatio).toBeCloseTo(figures.availability, 6);
    expect(b!.availability).toMatchObject({ failures: 0, mtbf: null, mttr: null, availability: 1 });
    await client.close();
  });
});

describe("breaker controls through the client", () => {
  it("isolate() takes an upstream out until reset() brings it back", async () => {
    const { fetch, sent } = instantFetch(new Set());
    const clock = new ManualClock();
    const client = createClient({ upstreams: [A, B, C], fetch, clock, balancer: "round-robin" });
    const events: BreakerEvent[] = [];
    client.on("breaker", (e) => events.push(e));
    client.isolate(`${B}/`);
    for (let i = 0; i < 10; i++) await client.fetch("/");
    expect(sent.get(B)).toBeUndefined();
    expect(client.stats().upstreams[1]!.state).toBe("isolated");
    client.reset(B);
    sent.clear();
    for (let i = 0; i < 9; i++) await client.fetch("/");
    // Back, but in slow start: 10% of its weight at first, all of it after 30 s.
    expect(sent.get(B)).toBeLessThan(3);
    clock.advance(30_000);
    sent.clear();
    for (let i = 0; i < 9; i++) await client.fetch("/");
    expect(sent.get(B)).toBe(3);
    expect(events.map((e) => [e.upstream, e.to, e.reason])).toEqual([
      [B, "isolated", "isolated"],
      [B, "closed", "reset"],
    ]);
    expect(() => client.isolate("https://elsewhere.test")).toThrow(TypeError);
    const noBreakers = createClient({ upstreams: [A], fetch, breaker: false });
    expect(() => noBreakers.isolate(A)).toThrow(/breaker: false/);
    await client.close();
  });

  it("round-trips breaker states through breakerSnapshot() and restoreBreakers()", async () => {
    const first = simulate({ [A]: refusing(), [B]: typical, [C]: typical });
    await first.run(400, 200);
    const snapshot = JSON.parse(JSON.stringify(first.client.breakerSnapshot()));
    expect(snapshot.v).toBe(1);
    expect(snapshot.breakers[A].state.kind).toBe("open");
    await first.client.close();

    // Another instance (say, another location) adopts it: A is out before any call fails there.
    const clock = new ManualClock(first.clock.now());
    const { fetch, sent } = instantFetch(new Set());
    const second = createClient({ upstreams: [A, B, C, "https://d.test"], fetch, clock });
    second.restoreBreakers({
      ...snapshot,
      breakers: { ...snapshot.breakers, "https://gone.test": snapshot.breakers[A] },
    });
    expect(second.stats().upstreams[0]!.breaker).toEqual(snapshot.breakers[A].state);
    expect(second.breakerSnapshot().breakers[A]).toEqual(snapshot.breakers[A]);
    for (let i = 0; i < 20; i++) await second.fetch("/");
    expect(sent.get(A)).toBeUndefined();
    expect(() => second.restoreBreakers({ v: 2, breakers: {} })).toThrow(TypeError);
    expect(() => second.restoreBreakers(null)).toThrow(TypeError);
    await second.close();
  });

  it("keeps the state of remaining upstreams across setUpstreams()", async () => {
    const { fetch, sent } = instantFetch(new Set());
    const clock = new ManualClock();
    const client = createClient({ upstreams: [A, B, C], fetch, clock, balancer: "round-robin" });
    for (let i = 0; i < 6; i++) await client.fetch("/");
    client.isolate(A);
    client.setUpstreams([A, { url: B, weight: 2 }, "https://d.test"]);
    // stats() shows the weights in use at once, before any call.
    expect(client.stats().upstreams.map((u) => u.effectiveWeight)).toEqual([1, 2, 0.1]);
    await client.fetch("/");

    const [a, b, d] = client.stats().upstreams;
    expect(client.stats().upstreams.map((u) => u.url)).toEqual([A, B, "https://d.test"]);
    expect(a).toMatchObject({ state: "isolated", requests: 2 });
    expect(b).toMatchObject({ state: "up", weight: 2, effectiveWeight: 2 });
    expect(b!.requests + d!.requests).toBe(3);
    // The newcomer starts slowly (10% of its weight).
    expect(d).toMatchObject({ state: "up", weight: 1, effectiveWeight: 0.1 });
    sent.clear();
    for (let i = 0; i < 20; i++) await client.fetch("/");
    expect(sent.get(A)).toBeUndefined();
    expect(sent.get(C)).toBeUndefined();
    expect(sent.get(B)! + sent.get("https://d.test")!).toBe(20);
    await client.close();
  });
});

describe("failover against real local servers", () => {
  const servers: LocalServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it("opens a refusing upstream's breaker within 5 failed calls while retries fail over", async () => {
    servers.push(await startServer(), await startServer());
    const refused = await refusedUrl();
    const client = createClient({
      upstreams: [refused, ...servers.map((s) => s.url)],
      balancer: "round-robin",
      retry: { backoff: { initial: 0 } },
    });
    const failed: number[] = [];
    let openedAfter = -1;
    client.on("attempt", (e) => {
      if (e.upstream === refused) failed.push(e.attempt);
    });
    client.on("breaker", (e) => {
      // The failure that opens it is reported (as an attempt event) right after.
      if (e.upstream === refused && e.to === "open") openedAfter = failed.length + 1;
    });
    for (let i = 0; i < 30; i++) {
      const res = await client.fetch("/");
      expect(res.status).toBe(200);
      await res.text();
    }
    expect(openedAfter).toBe(5);
    expect(failed).toHaveLength(5);
    expect(client.stats().upstreams[0]!.state).toBe("open");
    expect(servers[0]!.requests.length + servers[1]!.requests.length).toBe(30);
    await client.close();
  });

  it("lets no outcome of a removed upstream touch the upstream that took its place", async () => {
    // a holds every request until the test lets it answer 503.
    const held: Array<() => void> = [];
    const a = await startServer(
      (_req, res) =>
        new Promise<void>((resolve) => {
          held.push(() => {
            res.statusCode = 503;
            res.end("down");
            resolve();
          });
        }),
    );
    servers.push(a, await startServer(), await startServer());
    const [, b, d] = servers;
    const client = createClient({
      upstreams: [a.url, b!.url],
      balancer: "round-robin",
      retry: false,
      breaker: false,
    });
    const ejected: string[] = [];
    client.on("eject", (e) => ejected.push(e.upstream));
    const calls = Array.from({ length: 10 }, () => client.fetch("/"));
    await until(() => held.length === 5);
    // a is replaced by d while its 5 calls are in flight; d takes a's detector slot.
    client.setUpstreams([b!.url, d!.url]);
    for (const answer of held) answer();
    const statuses = await Promise.all(calls.map(async (c) => (await c).status));
    expect(statuses.filter((s) => s === 503)).toHaveLength(5);
    expect(ejected).toEqual([]);
    expect(client.stats().upstreams[1]).toMatchObject({ url: d!.url, state: "up", failures: 0 });
    // d is in slow start (10% of its weight): it gets about one call in 11.
    for (let i = 0; i < 30; i++) await (await client.fetch("/")).text();
    expect(d!.requests.length).toBeGreaterThan(0);
    await client.close();
  });

  it("readmits a recovered server within one open interval", async () => {
    let down = true;
    const flaky = await startServer((_req, res) => {
      res.statusCode = down ? 503 : 200;
      res.end(down ? "down" : "ok");
    });
    servers.push(flaky, await startServer());
    const clock = new ManualClock();
    const client = createClient({
      upstreams: servers.map((s) => s.url),
      clock,
      balancer: "round-robin",
      retry: { backoff: { initial: 0 } },
      outlier: false,
      breaker: { openFor: { initial: 1_000, jitter: 0 } },
    });
    const events: BreakerEvent[] = [];
    client.on("breaker", (e) => events.push(e));
    const call = async () => {
      const res = await client.fetch("/");
      expect(res.status).toBe(200);
      await res.text();
    };
    while (!events.some((e) => e.to === "open")) await call();
    clock.advance(400);
    down = false;
    const recoveredAt = clock.now();
    await call();
    expect(flaky.requests.length).toBe(5);
    clock.advance(600);
    for (let i = 0; i < 4; i++) await call();
    expect(events.map((e) => e.to)).toEqual(["open", "half-open", "closed"]);
    expect(events[2]!.at - recoveredAt).toBeLessThanOrEqual(1_000);
    expect(flaky.requests.length).toBeGreaterThan(5);
    await client.close();
  });
});
