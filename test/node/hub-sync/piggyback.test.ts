import { describe, expect, it } from "vitest";
import { B, eventsOf, syncEnvs } from "./setup";

const envs = syncEnvs();

/** A `waitUntil` that records what it is handed, like `ctx.waitUntil` on Workers. */
function waitUntilRecorder() {
  const handed: Promise<unknown>[] = [];
  return { handed, waitUntil: (promise: Promise<unknown>) => void handed.push(promise) };
}

describe("hubSync without background timers (as on Cloudflare Workers)", () => {
  it("starts nothing until a call, then rides on calls and hands the work to their waitUntil", async () => {
    const env = await envs.start({ background: false });
    await env.clock.advanceAsync(5_000);
    expect(env.hubRequests()).toBe(0);
    expect(env.clock.pendingTimers).toBe(0);

    const first = waitUntilRecorder();
    await env.call("/x", { waitUntil: first.waitUntil });
    expect(first.handed).toHaveLength(1);
    await Promise.all(first.handed);
    expect(env.hub.snapshots()).toHaveLength(1);
    // Nothing left behind once the request's work is done.
    expect(env.clock.pendingTimers).toBe(0);

    // Time passes with no calls: no hub traffic at all.
    await env.clock.advanceAsync(10_000);
    expect(env.hubRequests()).toBe(1);

    // The next call finds a refresh and a report due: both go to its waitUntil.
    const next = waitUntilRecorder();
    await env.call("/x", { waitUntil: next.waitUntil });
    expect(next.handed).toHaveLength(2);
    await Promise.all(next.handed);
    expect(env.hub.snapshots()).toHaveLength(2);
    expect(env.hub.reports()).toHaveLength(1);
    expect(env.clock.pendingTimers).toBe(0);
  });

  it("does sync work on calls without waitUntil too (the runtime may cut it short)", async () => {
    const env = await envs.start({ background: false });
    await env.call();
    await env.settle();
    expect(env.hub.snapshots()).toHaveLength(1);
  });

  it("starts one refresh for many concurrent first calls; the others look for it, bounded", async () => {
    const env = await envs.start({ background: false, firstSync: 100 });
    env.hub.upstreams[1]!.verdict = "down";
    const recorders = Array.from({ length: 8 }, () => waitUntilRecorder());
    const calls = recorders.map((r) => env.client.fetch(`${B}/x`, { waitUntil: r.waitUntil }));
    // Exactly one call started the refresh and handed it to its own waitUntil.
    expect(recorders.filter((r) => r.handed.length === 1)).toHaveLength(1);
    await env.settle();
    // The others poll on their own timers (10 ms): no call awaits another one's I/O.
    await env.clock.advanceAsync(10);
    await Promise.all(calls);
    expect(env.hub.snapshots()).toHaveLength(1);
    expect(env.calls[B]).toBe(0);
    expect(env.clock.now()).toBe(1_000_010);
    expect(env.clock.pendingTimers).toBe(0);
  });

  it("reports its breaker opening on the next call", async () => {
    const env = await envs.start(
      { background: false },
      { balancer: "round-robin", outlier: false },
    );
    env.behaviour[B] = 503;
    await env.call();
    await env.settle();
    while (env.client.stats().upstreams[1]!.state !== "open") await env.call();
    await env.settle();
    const before = env.hubRequests();
    const at = env.clock.now();
    expect(env.hub.reports()).toHaveLength(0);
    // No report interval has passed; the trip alone makes the next call send one.
    await env.call();
    await env.settle();
    expect(env.hubRequests()).toBe(before + 1);
    expect(eventsOf(env.events, "report")).toHaveLength(1);
    expect(env.clock.now()).toBe(at);
  });
});
