import { describe, expect, it } from "vitest";
import { A, B, C, eventsOf, type SyncEnv, syncEnvs } from "./setup";

const envs = syncEnvs();

async function hosts(env: SyncEnv, n: number): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < n; i++) seen.push(await env.call());
  return seen;
}

const fresh = (verdict: string) => ({
  verdict,
  breakerHint: verdict === "down" ? "open" : "closed",
  reportedAt: Date.now(),
  lastHeartbeat: null,
});

describe("hubSync snapshots", () => {
  it("refreshes every refreshInterval with If-None-Match; a 304 keeps what it applied", async () => {
    const env = await envs.synced();
    env.hub.upstreams[1]!.verdict = "down";
    env.hub.version = 2;
    await env.advance(2_000);
    expect(env.hub.snapshots()).toHaveLength(2);
    expect(env.hub.snapshots()[1]!.headers["if-none-match"]).toBe('"1"');
    await env.advance(2_000);
    expect(env.hub.snapshots()[2]!.headers["if-none-match"]).toBe('"2"');
    expect(env.hub.snapshots()[2]!.headers.authorization).toBe("Bearer report-token");
    const applied = eventsOf(env.events, "snapshot");
    expect(applied.map((e) => [e.version, e.notModified, e.excluded])).toEqual([
      [1, false, []],
      [2, false, [B]],
      [2, true, [B]],
    ]);
    expect(await hosts(env, 20)).not.toContain(B);
  });

  it("sends no new calls to an upstream the hub says is down, and uses it again once up", async () => {
    const env = await envs.synced({}, { balancer: "round-robin" });
    env.hub.upstreams[1]!.verdict = "down";
    env.hub.version = 2;
    await env.advance(2_000);
    expect(await hosts(env, 20)).not.toContain(B);
    env.hub.upstreams[1]!.verdict = "up";
    env.hub.version = 3;
    await env.advance(2_000);
    expect(await hosts(env, 6)).toContain(B);
  });

  it("applies its own location's fresh verdict over the global one, else the global one", async () => {
    const env = await envs.synced({ colo: "AMS" }, { balancer: "round-robin" });
    // Down globally (say, 5xx seen elsewhere) but fine here.
    env.hub.upstreams[1] = { url: B, verdict: "down", locations: { AMS: fresh("up") } };
    // Up globally but unreachable from here.
    env.hub.upstreams[2] = { url: C, verdict: "up", locations: { AMS: fresh("down") } };
    env.hub.version = 2;
    await env.advance(2_000);
    expect(new Set(await hosts(env, 12))).toEqual(new Set([A, B]));
    const [, b, c] = env.client.stats().upstreams;
    expect(b!.hub).toMatchObject({ verdict: "up", scope: "location", gate: "none" });
    expect(c!.hub).toMatchObject({ verdict: "down", scope: "location", gate: "down" });
    // A location verdict whose newest signal is older than the TTL no longer counts.
    env.hub.upstreams[1] = {
      url: B,
      verdict: "down",
      locations: { AMS: { ...fresh("up"), reportedAt: Date.now() - 60_000 } },
    };
    env.hub.upstreams[2] = { url: C };
    env.hub.version = 3;
    await env.advance(2_000);
    expect(env.client.stats().upstreams[1]!.hub).toMatchObject({
      verdict: "down",
      scope: "global",
    });
    expect(await hosts(env, 12)).not.toContain(B);
  });

  it("lets one call at a time through to an upstream the hub calls degraded", async () => {
    const env = await envs.synced({}, { balancer: "round-robin" });
    env.hub.upstreams[0]!.verdict = "degraded";
    env.hub.version = 2;
    await env.advance(2_000);
    env.behaviour[A] = "hang";
    env.behaviour[B] = "hang";
    env.behaviour[C] = "hang";
    const before = { ...env.calls };
    const pending = Array.from({ length: 30 }, () => env.client.fetch("/x").catch(() => undefined));
    await env.clock.advanceAsync(0);
    expect(env.calls[A]! - before[A]!).toBe(1);
    expect(env.calls[B]! + env.calls[C]! - before[B]! - before[C]!).toBe(29);
    await env.clock.advanceAsync(10_000);
    await Promise.all(pending);
  });

  it("drains an upstream within one refresh interval of the config change, and undrains it", async () => {
    const env = await envs.synced({}, { balancer: "round-robin" });
    env.hub.upstreams[2]!.drain = true;
    env.hub.version = 2;
    const changedAt = env.clock.now();
    let lastToC = changedAt;
    for (let i = 0; i < 40; i++) {
      if ((await env.call()) === C) lastToC = env.clock.now();
      await env.advance(100);
    }
    expect(lastToC - changedAt).toBeLessThanOrEqual(2_000);
    expect(env.client.stats().upstreams[2]!.hub).toMatchObject({ drain: true, gate: "drained" });
    env.hub.upstreams[2]!.drain = false;
    env.hub.version = 3;
    await env.advance(2_000);
    expect(await hosts(env, 12)).toContain(C);
  });

  it("ignores remote state once it is older than its TTL (the hub stopped answering)", async () => {
    const env = await envs.synced({}, { balancer: "round-robin" });
    env.hub.ttlMs = 6_000;
    env.hub.upstreams[1]!.verdict = "down";
    env.hub.version = 2;
    await env.advance(2_000);
    expect(await hosts(env, 9)).not.toContain(B);
    env.hub.mode = "500";
    await env.advance(5_000);
    expect(env.client.stats().upstreams[1]!.hub?.verdict).toBe("down");
    await env.advance(2_000);
    expect(env.client.stats().upstreams[1]!.hub).toBeUndefined();
    expect(await hosts(env, 9)).toContain(B);
  });

  it("seeds the latency estimate of upstreams it has no samples of", async () => {
    const env = await envs.start();
    env.hub.upstreams[0]!.latencyEwmaMs = 250;
    env.hub.upstreams[1]!.latencyEwmaMs = 4;
    await env.settle();
    const [a, b, c] = env.client.stats().upstreams;
    expect(a!.ewmaMs).toBeCloseTo(250);
    expect(b!.ewmaMs).toBeCloseTo(4);
    expect(c!.ewmaMs).toBeNull();
  });

  it("shows the verdict applied, its scope and its age in stats()", async () => {
    const env = await envs.synced();
    env.hub.upstreams[1]!.verdict = "down";
    env.hub.version = 2;
    await env.advance(2_000);
    await env.clock.advanceAsync(700);
    expect(env.client.stats().upstreams[1]!.hub).toEqual({
      verdict: "down",
      scope: "global",
      ageMs: 700,
      drain: false,
      gate: "down",
    });
    expect(env.client.stats().upstreams[0]!.hub).toMatchObject({ verdict: "up", gate: "none" });
  });
});

describe("hubSync's first snapshot", () => {
  it("holds a fresh client's first call until the first snapshot, so it avoids a down upstream", async () => {
    const env = await envs.start({ firstSync: 100 });
    env.hub.upstreams[1]!.verdict = "down";
    // The first call names B; without the snapshot it would go there.
    const first = env.client.fetch(`${B}/x`);
    await env.settle();
    await first;
    expect(env.calls[B]).toBe(0);
    expect(env.calls[A]! + env.calls[C]!).toBe(1);
    // It waited for the snapshot (real I/O), not for the bound: no virtual time passed.
    expect(env.clock.now()).toBe(1_000_000);
  });

  it("waits at most firstSync for a hub that does not answer", async () => {
    const env = await envs.start({ firstSync: 100 });
    env.hub.mode = "hang";
    const started = env.clock.now();
    let done = false;
    const first = env.client.fetch("/x").then(() => {
      done = true;
    });
    await env.clock.advanceAsync(99);
    expect(done).toBe(false);
    await env.clock.advanceAsync(1);
    await first;
    expect(env.clock.now() - started).toBe(100);
    // Later calls never wait.
    let second = false;
    const next = env.client.fetch("/x").then(() => {
      second = true;
    });
    await env.clock.advanceAsync(0);
    expect(second).toBe(true);
    await next;
  });

  it("never holds a call when firstSync is 0", async () => {
    const env = await envs.start({ firstSync: 0 });
    env.hub.upstreams[1]!.verdict = "down";
    env.hub.mode = "hang";
    expect(await env.call(`${B}/x`)).toBe(B);
  });
});
