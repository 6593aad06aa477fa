import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { HubEventsPage, HubSnapshot } from "../../src/protocol";
import type { HealthHub } from "../../worker/health-hub";
import {
  call,
  configure,
  hubOf,
  report,
  snapshot,
  TOKENS,
  uniqueService,
  upstream,
} from "./helpers";

const heartbeat = { interval: 60_000, timeout: 500, rise: 1, fall: 1 };
/** The snapshot without what moves with the clock (generatedAt, up/down time so far). */
const withoutTime = ({ generatedAt: _, upstreams, ...rest }: HubSnapshot) => ({
  ...rest,
  upstreams: upstreams.map(
    ({ availability: { upMs: _u, downMs: _d, availability: _a, mtbfMs: _m, ...a }, ...u }) => ({
      ...u,
      a,
    }),
  ),
});

describe("persistence", () => {
  it("rebuilds the same state in a fresh object instance from SQLite", async () => {
    const service = uniqueService("persist");
    const a = upstream("/status/200");
    const b = upstream("/status/503");
    await configure(service, { upstreams: [a, b], heartbeat });
    await runDurableObjectAlarm(hubOf(service));
    await report(service, {
      colo: "AMS",
      upstreams: [
        {
          url: a,
          successes: 30,
          failures: 2,
          timeouts: 1,
          latency: { count: 33, sumMs: 660, maxMs: 80 },
        },
      ],
    });
    const lease = (
      (await (
        await call("GET", `/v1/services/${service}/health?colo=SIN`, { token: TOKENS.report })
      ).json()) as HubSnapshot
    ).lease!;
    const before = await snapshot(service);
    const eventsBefore = await (
      await call("GET", `/v1/services/${service}/events`, { token: TOKENS.read })
    ).json();
    await runInDurableObject(hubOf(service), (hub: HealthHub) => {
      (hub as unknown as { marker: boolean }).marker = true;
    });

    await abortAllDurableObjects();

    const fresh = await runInDurableObject(
      hubOf(service),
      (hub: HealthHub) => (hub as unknown as { marker?: boolean }).marker,
    );
    expect(fresh).toBeUndefined();
    const after = await snapshot(service);
    expect(withoutTime(after)).toEqual(withoutTime(before));
    expect(after.upstreams.map((u) => u.verdict)).toEqual(["up", "down"]);
    expect(after.upstreams[0]!.locations.AMS).toMatchObject({ calls: 33, latencyEwmaMs: 20 });
    expect(after.upstreams[1]!.heartbeat.last).toMatchObject({ ok: false, status: 503 });
    const eventsAfter = (await (
      await call("GET", `/v1/services/${service}/events`, { token: TOKENS.read })
    ).json()) as HubEventsPage;
    expect(eventsAfter).toEqual(eventsBefore);
    // The lease survived too: results under it are accepted.
    const res = await report(service, {
      colo: "SIN",
      heartbeats: { leaseId: lease.id, results: [{ url: a, status: 200, latencyMs: 5 }] },
    });
    expect(res.status).toBe(202);
    // And the alarm is still armed.
    expect(await runDurableObjectAlarm(hubOf(service))).toBe(true);
  });
});
