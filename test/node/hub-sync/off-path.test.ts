import { describe, expect, it } from "vitest";
import type { FakeHubMode } from "../helpers/fake-hub";
import { A, B, C, eventsOf, type SyncEnv, syncEnvs } from "./setup";

const envs = syncEnvs();

/**
 * 30 calls, one every 100 ms of clock time; how many failed and how long (clock time) each
 * took. Hub I/O is let through between steps (except from a hanging hub, whose requests time
 * out on the clock).
 */
async function drive(env: SyncEnv): Promise<{ errors: number; waited: number[] }> {
  let errors = 0;
  const waited: number[] = [];
  for (let i = 0; i < 30; i++) {
    const started = env.clock.now();
    let settled = false;
    const call = env.client.fetch("/x").then(
      async (response) => {
        await response.text();
        if (!response.ok) errors++;
        settled = true;
      },
      () => {
        errors++;
        settled = true;
      },
    );
    await env.clock.advanceAsync(0);
    while (!settled && (await env.clock.runNextAsync())) {}
    await call;
    waited.push(env.clock.now() - started);
    await env.advance(100);
  }
  return { errors, waited };
}

describe("hubSync is never on the caller's path", () => {
  it.each<FakeHubMode>(["hang", "500", "garbage"])(
    "a hub that is %s changes nothing for calls but events",
    async (mode) => {
      const env = await envs.start({ firstSync: 100 });
      env.hub.mode = mode;
      env.hub.upstreams[1]!.verdict = "down";
      const { errors, waited } = await drive(env);
      expect(errors).toBe(0);
      // Only the very first call may wait, and only up to firstSync.
      expect(waited[0]).toBeLessThanOrEqual(100);
      expect(waited.slice(1).every((ms) => ms === 0)).toBe(true);
      // Nothing it said was applied: B (down at the hub) took calls like the others.
      expect(env.calls[B]).toBeGreaterThan(0);
      expect(env.calls[A]! + env.calls[B]! + env.calls[C]!).toBe(30);
      const unreachable = eventsOf(env.events, "unreachable");
      expect(unreachable.length).toBeGreaterThan(0);
      const expected = {
        hang: /timed out after 2000 ms/,
        "500": /500 internal error/,
        garbage: /invalid snapshot: not JSON/,
      }[mode as "hang" | "500" | "garbage"];
      expect(unreachable[0]!.error).toMatch(expected);
    },
  );

  it("a hub that is not there at all changes nothing for calls but events", async () => {
    const env = await envs.start({ firstSync: 100 });
    await env.hub.close();
    await env.settle();
    const { errors, waited } = await drive(env);
    expect(errors).toBe(0);
    expect(Math.max(...waited.slice(1))).toBe(0);
    expect(eventsOf(env.events, "unreachable")[0]!.error).toMatch(/fetch failed|ECONNREFUSED/);
  });

  it("never hands the caller's signal to a hub request", async () => {
    const env = await envs.start();
    await env.settle();
    const controller = new AbortController();
    const call = env.client.fetch("/x", { signal: controller.signal });
    controller.abort(new Error("caller gave up"));
    await expect(call).rejects.toThrow("caller gave up");
    await env.advance(2_000);
    // The refresh that ran meanwhile went through.
    expect(eventsOf(env.events, "snapshot")).toHaveLength(2);
  });
});
