import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { HubSnapshot } from "../../src/protocol";
import type { HealthHub } from "../../worker/objects/health-hub";
import { direct } from "./direct-call";
import { configure, flushed, hubOf, snapshot, TOKENS, uniqueService, upstream } from "./helpers";

const heartbeat = { interval: 60_000, timeout: 500, rise: 1, fall: 1 };

/** The report buckets as stored, summed per upstream and location. */
function storedTotals(service: string) {
  return runInDurableObject(hubOf(service), (_hub, state) =>
    state.storage.sql
      .exec<{ url: string; colo: string; successes: number; failures: number; timeouts: number }>(
        `SELECT url, colo, SUM(successes) AS successes, SUM(failures) AS failures,
                SUM(timeouts) AS timeouts FROM report_buckets GROUP BY url, colo ORDER BY url, colo`,
      )
      .toArray(),
  );
}

describe("durability", () => {
  it("counts 200 concurrent report batches exactly, in memory and after a restart", async () => {
    const service = uniqueService("burst");
    const urls = [upstream(`/status/200/${service}/a`), upstream(`/status/200/${service}/b`)];
    await configure(service, { upstreams: urls, heartbeat });
    const colos = ["AMS", "SIN", "IAD", "GRU"];
    // Seeded batches (fast-check's generator, fixed seed), so the totals are known.
    const batches = fc.sample(
      fc.record({
        colo: fc.constantFrom(...colos),
        url: fc.constantFrom(...urls),
        successes: fc.integer({ min: 0, max: 1_000 }),
        failures: fc.integer({ min: 0, max: 50 }),
        timeouts: fc.integer({ min: 0, max: 50 }),
      }),
      { numRuns: 200, seed: 14 },
    );
    const replies = await Promise.all(
      batches.map(({ colo, url, ...counts }) =>
        direct(
          new Request(`http://hub.test/v1/services/${service}/reports`, {
            method: "POST",
            headers: {
              authorization: `Bearer ${TOKENS.report}`,
              "content-type": "application/json",
            },
            body: JSON.stringify({ colo, upstreams: [{ url, ...counts }] }),
          }),
        ),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(batches.map(() => 202));
    const versions = await Promise.all(
      replies.map(async (r) => ((await r.json()) as { version: number }).version),
    );
    // Each batch was one change of its own.
    expect(new Set(versions).size).toBe(200);

    const expected = new Map<string, { successes: number; failures: number; timeouts: number }>();
    for (const b of batches) {
      const key = `${b.url} ${b.colo}`;
      const t = expected.get(key) ?? { successes: 0, failures: 0, timeouts: 0 };
      expected.set(key, {
        successes: t.successes + b.successes,
        failures: t.failures + b.failures,
        timeouts: t.timeouts + b.timeouts,
      });
    }
    const calls = (s: HubSnapshot) =>
      Object.fromEntries(
        s.upstreams.flatMap((u) =>
          Object.entries(u.locations).map(([colo, l]) => [`${u.url} ${colo}`, l.calls]),
        ),
      );
    const expectedCalls = Object.fromEntries(
      [...expected].map(([key, t]) => [key, t.successes + t.failures + t.timeouts]),
    );
    expect(calls(await snapshot(service))).toEqual(expectedCalls);

    await flushed(service);
    await abortAllDurableObjects();

    expect(calls(await snapshot(service))).toEqual(expectedCalls);
    const stored = await storedTotals(service);
    expect(Object.fromEntries(stored.map(({ url, colo, ...t }) => [`${url} ${colo}`, t]))).toEqual(
      Object.fromEntries(expected),
    );
  });

  it("re-arms the alarm when every probe of a round throws", async () => {
    const service = uniqueService("throws");
    const urls = [upstream("/status/200"), upstream("/status/503"), upstream("/slow/10")];
    await configure(service, { upstreams: urls, heartbeat });
    const stub = hubOf(service);
    let calls = 0;
    await runInDurableObject(stub, (hub: HealthHub) => {
      hub.prober = (target) => {
        calls += 1;
        // Synchronous throws and rejections alike.
        if (target.url === urls[0]) throw new TypeError("probe exploded");
        return Promise.reject(new Error(`unreachable ${target.url}`));
      };
    });
    for (let round = 0; round < 3; round++) {
      const before = Date.now();
      expect(await runDurableObjectAlarm(stub)).toBe(true);
      const alarm = await runInDurableObject(stub, (_hub, state) => state.storage.getAlarm());
      expect(alarm).toBeGreaterThanOrEqual(before + heartbeat.interval - 1_000);
    }
    expect(calls).toBe(9);
    const last = (await snapshot(service)).upstreams.map((u) => u.heartbeat.last);
    expect(last.map((h) => [h?.ok, h?.status])).toEqual(urls.map(() => [false, null]));
  });

  it("re-arms the alarm when a round fails outside the probes", async () => {
    const service = uniqueService("throws");
    await configure(service, { upstreams: [upstream("/status/200")], heartbeat });
    const stub = hubOf(service);
    await runInDurableObject(stub, (hub: HealthHub) => {
      // A result that blows up when the round reads it.
      hub.prober = async (target) =>
        ({
          url: target.url,
          latencyMs: 1,
          get status(): number {
            throw new Error("result exploded");
          },
        }) as never;
    });
    const before = Date.now();
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const alarm = await runInDurableObject(stub, (_hub, state) => state.storage.getAlarm());
    expect(alarm).toBeGreaterThanOrEqual(before + heartbeat.interval - 1_000);
  });
});
