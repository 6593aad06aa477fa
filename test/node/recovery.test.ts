import { describe, expect, it } from "vitest";
import type { ClientEventMap } from "../../src/index";
import { constant, lognormal, type UpstreamModel } from "../../src/testing/index";
import { scriptedClient } from "./helpers/scripted-fetch";
import { type SeenAttempt, shareOf, simulate } from "./helpers/simulated-client";

const A = "https://a.test";
const B = "https://b.test";
const C = "https://c.test";
const D = "https://d.test";

const typical: UpstreamModel = { latency: lognormal({ median: 20, sigma: 0.5 }) };
const down = (from: number, to: number, mode: "refuse" | "status", latency?: number) => ({
  ...typical,
  outages: [{ from, to, mode, latency }],
});

/** When the first attempt sent to `upstream` at or after `from` was sent. */
function firstSentTo(attempts: readonly SeenAttempt[], upstream: string, from: number) {
  const times = attempts.filter((a) => a.upstream === upstream && a.sentAt >= from);
  return Math.min(...times.map((a) => a.sentAt));
}

/** A breaker snapshot holding the upstream open from `since` until `until`. */
const openUntil = (since: number, until: number) => ({
  v: 1,
  state: { kind: "open", since, until, trips: 1 },
  trips: 1,
  decayFrom: 0,
});

describe("recovery after an outage", () => {
  it("opens the breaker on a failure streak without also ejecting the upstream for it", async () => {
    const { client, breakers, run } = simulate({
      [A]: down(2_000, 5_000, "refuse"),
      [B]: typical,
      [C]: typical,
    });
    const ejections: Array<ClientEventMap["eject"]> = [];
    client.on("eject", (e) => ejections.push(e));
    const result = await run(1_600, 200);
    expect(result.ok).toBe(1_600);
    expect(breakers.find((e) => e.upstream === A && e.to === "open")?.reason).toBe(
      "consecutive-failures",
    );
    expect(ejections).toEqual([]);
    await client.close();
  });

  it("probes an upstream on the first pick after its open interval, whatever its latency estimate", async () => {
    // Its 503s took 400 ms: p2c's estimate of it is 20 times the others'.
    const { client, breakers, attempts, run } = simulate(
      { [A]: down(1_000, 3_000, "status", 400), [B]: typical, [C]: typical },
      { outlier: false, breaker: { openFor: { initial: 5_000, jitter: 0 } } },
    );
    await run(1_800, 200);
    const opened = breakers.find((e) => e.upstream === A && e.to === "open")!;
    const { until } = opened.state as { until: number };
    // Calls arrive every 5 ms: the first one after the interval goes to A.
    expect(firstSentTo(attempts, A, until) - until).toBeLessThanOrEqual(5);
    const closed = breakers.find((e) => e.upstream === A && e.to === "closed")!;
    expect(closed.reason).toBe("probes-succeeded");
    expect(closed.at - until).toBeLessThan(200);
    await client.close();
  });

  it("drops the stale latency estimate when the upstream is readmitted", async () => {
    const { client, breakers, run } = simulate(
      { [A]: down(1_000, 3_000, "status", 400), [B]: typical, [C]: typical },
      { outlier: false, breaker: { openFor: { initial: 5_000, jitter: 0 } } },
    );
    await run(1_400, 200);
    expect(breakers.filter((e) => e.upstream === A).map((e) => e.to)).toEqual([
      "open",
      "half-open",
      "closed",
    ]);
    const [a, b] = client.stats().upstreams;
    // Judged on its answers since it came back (~20 ms), not on the 400 ms failures before.
    expect(a!.ewmaMs).toBeLessThan(2 * b!.ewmaMs!);
    await client.close();
  });

  it("ends both the breaker's open state and an ejection with one successful probe", async () => {
    const { clock, client, breakers, run } = simulate(
      { [A]: down(500, 1_500, "status"), [B]: typical, [C]: typical },
      // The breaker leaves the streak to the detector, which ejects A for 30 s.
      { breaker: { consecutiveFailures: false, openFor: { jitter: 0 } } },
    );
    const ejections: Array<ClientEventMap["eject"]> = [];
    const readmits: number[] = [];
    client.on("eject", (e) => ejections.push(e));
    client.on("readmit", (e) => readmits.push(e.at));
    await run(400, 200);
    expect(ejections.map((e) => e.upstream)).toEqual([A]);
    // Another signal (say, a snapshot from another location) opens its breaker for 3 s.
    const now = clock.now();
    client.restoreBreakers({ v: 1, breakers: { [A]: openUntil(now, now + 3_000) } });
    await run(800, 200);
    // The open interval ended first: A was probed then, and the probe's success ended both.
    const closed = breakers.find((e) => e.upstream === A && e.to === "closed")!;
    expect(closed.at - (now + 3_000)).toBeLessThan(100);
    expect(readmits).toEqual([closed.at]);
    expect(readmits[0]!).toBeLessThan(ejections[0]!.until);
    expect(client.stats().upstreams[0]!.state).toBe("up");
    await client.close();
  });

  it("reports half-open in stats() as soon as the open interval is over, without a call", async () => {
    const { clock, client } = scriptedClient();
    const events: Array<ClientEventMap["breaker"]> = [];
    client.on("breaker", (e) => events.push(e));
    const now = clock.now();
    client.restoreBreakers({ v: 1, breakers: { "http://a.test": openUntil(now, now + 1_000) } });
    expect(client.stats().upstreams[0]!.state).toBe("open");
    clock.advance(1_000);
    expect(client.stats().upstreams[0]).toMatchObject({
      state: "half-open",
      breaker: { kind: "half-open", since: now + 1_000 },
    });
    expect(events.map((e) => [e.to, e.reason])).toEqual([
      ["open", "restored"],
      ["half-open", "open-elapsed"],
    ]);
    await client.close();
  });

  it("hedges to an upstream whose open interval has just ended", async () => {
    const { clock, sent, client } = scriptedClient({ hedge: { delay: 50, budget: false } });
    const now = clock.now();
    client.restoreBreakers({ v: 1, breakers: { "http://b.test": openUntil(now, now + 20) } });
    const pending = client.fetch("/item");
    await clock.advanceAsync(50);
    expect(sent.map((s) => new URL(s.url).origin)).toEqual(["http://a.test", "http://b.test"]);
    sent[1]!.respond(200);
    await pending;
    expect(client.stats().upstreams[1]!.state).toBe("up");
    await client.close();
  });

  it("keeps sending a failing upstream calls under p2c until its breaker opens", async () => {
    // Fast upstreams: a failure charge that lingers makes p2c shun a after one or two failures,
    // so its breaker never sees a streak and the outage goes unrecorded.
    const fast: UpstreamModel = { latency: lognormal({ median: 5, sigma: 0.5 }) };
    const { client, breakers, attempts, run } = simulate({
      [A]: { ...fast, outages: [{ from: 2_000, to: 5_000, mode: "refuse" }] },
      [B]: fast,
      [C]: fast,
    });
    await run(2_400, 200);
    const opened = breakers.find((e) => e.upstream === A && e.to === "open")!;
    expect(opened.reason).toBe("consecutive-failures");
    expect(attempts.filter((a) => a.upstream === A && a.failed).length).toBeLessThanOrEqual(6);
    const { until } = opened.state as { until: number };
    expect(firstSentTo(attempts, A, until) - until).toBeLessThanOrEqual(5);
    expect(client.stats().upstreams[0]!.availability).toMatchObject({ state: "up", failures: 1 });
    await client.close();
  });

  it.each(["p2c", "least-request"] as const)(
    "gives an upstream in slow start a share that follows its ramp under %s",
    async (balancer) => {
      const even: UpstreamModel = { latency: constant(10) };
      const { clock, client, attempts, run } = simulate(
        { [A]: even, [B]: even, [C]: even, [D]: even },
        { balancer, slowStart: { window: 30_000 } },
      );
      client.setUpstreams([A, B, C]);
      await run(400, 200);
      client.setUpstreams([A, B, C, D]);
      const added = clock.now();
      await run(200 * 32, 200);
      const share = (from: number) => shareOf(attempts, D, added + from, added + from + 2_000);
      // A fair share is a quarter; slow start scales it by 10–17% at first, by ~50% halfway
      // (round robin gives 3.3% and 14%). A cost per weight gave it 0.25% and 7.5%.
      expect(share(0)).toBeGreaterThan(0.015);
      expect(share(0)).toBeLessThan(0.07);
      expect(share(14_000)).toBeGreaterThan(0.1);
      expect(share(14_000)).toBeLessThan(0.2);
      expect(share(30_000)).toBeGreaterThan(0.2);
      await client.close();
    },
  );
});
