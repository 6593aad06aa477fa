import { describe, expect, it } from "vitest";
import { A, B, C, eventsOf, syncEnvs } from "./setup";

const envs = syncEnvs();

describe("hubSync reports", () => {
  it("posts the outcomes of each reportInterval in one batch, counted per upstream by kind", async () => {
    const env = await envs.synced({}, { balancer: "round-robin", breaker: false, outlier: false });
    env.behaviour[B] = 503;
    env.behaviour[C] = "refuse";
    for (let i = 0; i < 6; i++) await env.call();
    expect(env.hub.reports()).toHaveLength(0);
    await env.advance(2_000);
    expect(env.hub.reports()).toHaveLength(1);
    const [report] = env.hub.reports();
    expect(report!.headers.authorization).toBe("Bearer report-token");
    expect(report!.headers["content-type"]).toBe("application/json");
    const entries = report!.body.upstreams as Array<Record<string, unknown>>;
    const byUrl = Object.fromEntries(entries.map((e) => [e.url, e]));
    expect(byUrl[A]).toMatchObject({ successes: 2, failures: 0, networkErrors: 0, timeouts: 0 });
    expect(byUrl[A]!.latency).toMatchObject({ count: 2 });
    expect(byUrl[B]).toMatchObject({ successes: 0, failures: 2, networkErrors: 0 });
    expect(byUrl[C]).toMatchObject({ successes: 0, failures: 0, networkErrors: 2 });
    // No colo configured: the hub takes it from where Cloudflare received the request.
    expect(report!.body).not.toHaveProperty("colo");
    expect(eventsOf(env.events, "report")[0]).toMatchObject({ upstreams: 3, outcomes: 6 });
  });

  it("counts attempt timeouts as timeouts", async () => {
    const env = await envs.synced({}, { timeout: { attempt: 50 }, balancer: "round-robin" });
    env.behaviour[A] = "hang";
    for (let i = 0; i < 3; i++) await env.call();
    await env.advance(2_000);
    expect(env.hub.reports()).toHaveLength(1);
    const entries = env.hub.reports()[0]!.body.upstreams as Array<Record<string, unknown>>;
    expect(entries.find((e) => e.url === A)).toMatchObject({ timeouts: 1, networkErrors: 0 });
  });

  it("sends a batch early once it holds reportAfter outcomes", async () => {
    const env = await envs.synced({ reportAfter: 5 });
    for (let i = 0; i < 5; i++) await env.call();
    await env.settle();
    expect(env.hub.reports()).toHaveLength(1);
    expect(env.clock.now()).toBe(1_000_000);
  });

  it("reports its own breaker opening at once, saying failed answers took the upstream out", async () => {
    const env = await envs.synced({}, { balancer: "round-robin", outlier: false });
    env.behaviour[B] = 503;
    for (let i = 0; i < 15; i++) await env.call();
    expect(env.client.stats().upstreams[1]!.state).toBe("open");
    await env.settle();
    expect(env.hub.reports()).toHaveLength(1);
    const entries = env.hub.reports()[0]!.body.upstreams as Array<Record<string, unknown>>;
    const b = entries.find((e) => e.url === B);
    expect(b).toMatchObject({ failures: 5, outOfRotation: { answers: 1, unreachable: 0 } });
    expect(env.clock.now()).toBe(1_000_000);
  });

  it("keeps saying an upstream is out of rotation in every batch, calls or not", async () => {
    const env = await envs.synced({}, { balancer: "round-robin", outlier: false });
    env.behaviour[C] = "refuse";
    for (let i = 0; i < 15; i++) await env.call();
    await env.settle();
    expect(env.hub.reports()).toHaveLength(1);
    await env.advance(2_000);
    expect(env.hub.reports()).toHaveLength(2);
    const second = env.hub.reports()[1]!.body.upstreams as Array<Record<string, unknown>>;
    expect(second).toEqual([
      {
        url: C,
        successes: 0,
        failures: 0,
        networkErrors: 0,
        timeouts: 0,
        outOfRotation: { answers: 0, unreachable: 1 },
      },
    ]);
  });

  it("says so at least every rotationTtlMs / 2 even with a longer reportInterval", async () => {
    const env = await envs.synced(
      { reportInterval: 20_000 },
      { balancer: "round-robin", outlier: false },
    );
    env.behaviour[C] = "refuse";
    while (env.client.stats().upstreams[2]!.state !== "open") await env.call();
    await env.settle();
    const first = env.clock.now();
    expect(env.hub.reports()).toHaveLength(1);
    await env.advance(5_000);
    expect(env.hub.reports()).toHaveLength(2);
    expect(env.clock.now() - first).toBe(5_000);
  });

  it("sends nothing when there is nothing to say", async () => {
    const env = await envs.synced();
    await env.advance(10_000);
    expect(env.hub.reports()).toHaveLength(0);
    // It kept refreshing meanwhile.
    expect(env.hub.snapshots().length).toBeGreaterThanOrEqual(5);
  });

  it("reports as the configured colo", async () => {
    const env = await envs.synced({ colo: "AMS" });
    await env.call();
    await env.advance(2_000);
    expect(env.hub.reports()).toHaveLength(1);
    expect(env.hub.reports()[0]!.body.colo).toBe("AMS");
    expect(env.hub.snapshots()[0]!.url).toBe("/v1/services/svc/health?colo=AMS");
  });

  it("backs off with jitter while the hub fails, keeps the data, and drops the oldest past maxQueued", async () => {
    const env = await envs.synced({ maxQueued: 3, maxBackoff: 16_000 });
    env.hub.mode = "500";
    const attempts: number[] = [];
    for (let t = 0; t < 40; t++) {
      await env.call();
      const before = env.hub.reports().length;
      await env.advance(1_000);
      if (env.hub.reports().length > before) attempts.push(env.clock.now());
    }
    // Gaps between attempts grow (2 s interval, doubling, equal jitter, capped at 16 s).
    const gaps = attempts.slice(1).map((at, i) => at - attempts[i]!);
    expect(gaps.length).toBeGreaterThanOrEqual(3);
    expect(gaps.at(-1)!).toBeGreaterThan(gaps[0]!);
    for (const gap of gaps) expect(gap).toBeLessThanOrEqual(17_000);
    const unreachable = eventsOf(env.events, "unreachable").filter((e) => e.request === "report");
    expect(unreachable[0]).toMatchObject({ status: 500, error: "500 internal error" });
    expect(unreachable[0]!.retryInMs).toBeGreaterThanOrEqual(1_000);
    expect(eventsOf(env.events, "dropped").length).toBeGreaterThan(0);
    // Back up: everything still queued (the newest 3 batches) goes in one report.
    env.hub.mode = "ok";
    await env.advance(17_000);
    const sent = eventsOf(env.events, "report");
    expect(sent).toHaveLength(1);
    const dropped = eventsOf(env.events, "dropped").reduce((sum, e) => sum + e.outcomes, 0);
    expect(sent[0]!.outcomes + dropped).toBe(40);
    expect(sent[0]!.outcomes).toBeLessThanOrEqual(3 * 2);
  });

  it("drops a batch the hub refuses as invalid instead of sending it forever", async () => {
    const env = await envs.synced();
    env.hub.reportStatus = 400;
    await env.call();
    await env.advance(2_000);
    expect(eventsOf(env.events, "dropped")).toEqual([
      expect.objectContaining({ outcomes: 1, reason: "refused" }),
    ]);
    env.hub.reportStatus = 202;
    await env.advance(4_000);
    expect(env.hub.reports()).toHaveLength(1);
  });

  it("sends the last report on close() even when the first snapshot was still on its way", async () => {
    const env = await envs.start({ firstSync: 0 });
    await env.call();
    expect(eventsOf(env.events, "snapshot")).toHaveLength(0);
    await env.client.close();
    expect(env.hub.reports()).toHaveLength(1);
    expect(env.clock.pendingTimers).toBe(0);
  });

  it("flushes the last report on close() and leaves no timer behind", async () => {
    const env = await envs.synced();
    await env.call();
    await env.call();
    await env.client.close();
    expect(env.hub.reports()).toHaveLength(1);
    expect((env.hub.reports()[0]!.body.upstreams as unknown[]).length).toBeGreaterThan(0);
    expect(env.clock.pendingTimers).toBe(0);
  });
});
