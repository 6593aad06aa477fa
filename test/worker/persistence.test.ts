import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { HubEventsPage, HubSnapshot } from "../../src/protocol";
import { newAvailability } from "../../worker/model/availability";
import type { HealthHub } from "../../worker/objects/health-hub";
import { SCHEMA } from "../../worker/objects/hub-rows";
import { HubStore } from "../../worker/objects/hub-store";
import {
  call,
  configure,
  flushed,
  hubOf,
  report,
  snapshot,
  TOKENS,
  uniqueService,
  upstream,
} from "./helpers";

const heartbeat = { interval: 60_000, timeout: 500, rise: 1, fall: 1 };

/** The snapshot without what moves with the clock or jumps on restart. */
const stable = ({ generatedAt: _g, version: _v, upstreams, ...rest }: HubSnapshot) => ({
  ...rest,
  upstreams: upstreams.map(
    ({ availability: { upMs: _u, downMs: _d, availability: _a, mtbfMs: _m, ...a }, ...u }) => ({
      ...u,
      a,
    }),
  ),
});

const events = async (service: string) =>
  (await (
    await call("GET", `/v1/services/${service}/events`, { token: TOKENS.read })
  ).json()) as HubEventsPage;

describe("persistence", () => {
  it("rebuilds the same state in a fresh object instance from SQLite", async () => {
    const service = uniqueService("persist");
    const a = upstream("/status/200");
    const b = upstream("/status/503");
    await configure(service, { upstreams: [a, b], heartbeat });
    await runInDurableObject(hubOf(service), (hub: HealthHub) => {
      hub.flushDelayMs = 20;
      (hub as unknown as { marker: boolean }).marker = true;
    });
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
    const leased = await call("GET", `/v1/services/${service}/health?colo=SIN`, {
      token: TOKENS.report,
    });
    const lease = ((await leased.json()) as HubSnapshot).lease!;
    await flushed(service);
    const before = await snapshot(service);
    const etagBefore = (
      await call("GET", `/v1/services/${service}/health`, { token: TOKENS.read })
    ).headers.get("etag")!;
    const eventsBefore = await events(service);

    await abortAllDurableObjects();

    const marker = await runInDurableObject(
      hubOf(service),
      (hub: HealthHub) => (hub as unknown as { marker?: boolean }).marker,
    );
    expect(marker).toBeUndefined();
    const after = await snapshot(service);
    expect(stable(after)).toEqual(stable(before));
    expect(after.upstreams.map((u) => u.verdict)).toEqual(["up", "down"]);
    expect(after.upstreams[0]!.locations.AMS).toMatchObject({ calls: 33, latencyEwmaMs: 20 });
    expect(after.upstreams[1]!.heartbeat.last).toMatchObject({ ok: false, status: 503 });
    expect(await events(service)).toEqual(eventsBefore);
    // Versions jump on restart, so an ETag from before never matches new content.
    expect(after.version).toBeGreaterThan(before.version);
    const stale = await call("GET", `/v1/services/${service}/health`, {
      token: TOKENS.read,
      headers: { "if-none-match": etagBefore },
    });
    expect(stale.status).toBe(200);
    // The lease survived: results under it are accepted.
    const res = await report(service, {
      colo: "SIN",
      heartbeats: { leaseId: lease.id, results: [{ url: a, status: 200, latencyMs: 5 }] },
    });
    expect(res.status).toBe(202);
    // And the alarm is still armed.
    expect(await runDurableObjectAlarm(hubOf(service))).toBe(true);
  });

  it("writes a verdict change and its event at once, without waiting for a flush", async () => {
    const service = uniqueService("persist");
    const url = upstream("/status/200");
    await configure(service, { upstreams: [url], heartbeat });
    await report(service, {
      colo: "AMS",
      upstreams: [{ url, successes: 0, failures: 12, timeouts: 0 }],
    });

    await abortAllDurableObjects();

    const after = (await snapshot(service)).upstreams[0]!;
    expect(after.locations.AMS).toMatchObject({ verdict: "down", calls: 12 });
    expect(after.verdict).toBe("down");
    expect((await events(service)).events.map((e) => `${e.scope}:${e.to}`)).toEqual([
      "global:down",
      "AMS:down",
    ]);
  });

  it("batches report writes: a burst is written by one flush", async () => {
    const service = uniqueService("persist");
    const url = upstream("/status/200");
    await configure(service, { upstreams: [url], heartbeat });
    for (let i = 0; i < 5; i++) {
      await report(service, {
        colo: "AMS",
        upstreams: [{ url, successes: 20, failures: 0, timeouts: 0 }],
      });
    }
    const rows = () =>
      runInDurableObject(
        hubOf(service),
        (_hub, state) =>
          state.storage.sql.exec("SELECT SUM(successes) AS n FROM report_buckets").one().n,
      );
    // The first report changed a verdict (AMS unknown → up) and was written with it.
    expect(await rows()).toBe(20);
    await runInDurableObject(hubOf(service), (hub: HealthHub) => {
      hub.flushDelayMs = 0;
    });
    await report(service, {
      colo: "AMS",
      upstreams: [{ url, successes: 20, failures: 0, timeouts: 0 }],
    });
    await flushed(service);
    expect(await rows()).toBe(120);
  });
});

describe("schema migration", () => {
  // What the first release wrote: its tables (SCHEMA without the later meta table) and
  // rows in its shapes — no drain in the config, one failing flag per location, no
  // network_errors column, events without a kind.
  const v1 = SCHEMA.replace(/CREATE TABLE IF NOT EXISTS meta[^;]*;/, "");
  const url = "https://x.internal";
  const v1Config = {
    upstreams: [{ url, weight: 1, healthPath: "/", expectedStatus: [200] }],
    heartbeat: { interval: 10_000, timeout: 1_000, rise: 2, fall: 3 },
  };
  const track = { verdict: "down", since: 5, reason: "r", okStreak: 0, failStreak: 3, lastAt: 5 };
  const v1Upstream = {
    url,
    verdict: "down",
    since: 5,
    reason: "down from AMS",
    hub: track,
    ewma: null,
    // Availability's shape did not change: today's constructor writes the v1 row.
    availability: { ...newAvailability(5), verdict: "down", lastKnown: "down" },
    locations: {
      AMS: {
        verdict: "down",
        since: 5,
        reason: "reports: failure rate 1.00 over 12 calls",
        edge: track,
        failing: true,
        reportedAt: 5,
        ewma: null,
      },
    },
  };

  it("keeps a first-release store's config, state, counts and events, and fills the new fields", async () => {
    const service = uniqueService("migrate");
    const now = Date.now();
    const loaded = await runInDurableObject(hubOf(service), (_hub, state) => {
      const sql = state.storage.sql;
      for (const t of [
        "config",
        "upstreams",
        "heartbeats",
        "report_buckets",
        "events",
        "leases",
        "meta",
      ])
        sql.exec(`DROP TABLE IF EXISTS ${t}`);
      sql.exec(v1);
      sql.exec("INSERT INTO config VALUES (1, ?, ?, 7, ?)", service, JSON.stringify(v1Config), now);
      sql.exec("INSERT INTO upstreams VALUES (?, ?)", url, JSON.stringify(v1Upstream));
      sql.exec(
        "INSERT INTO report_buckets VALUES (?, 'AMS', ?, 3, 12, 2, 0, 0, 0)",
        url,
        now - (now % 10_000),
      );
      sql.exec(
        "INSERT INTO events (at, upstream, scope, from_verdict, to_verdict, reason) VALUES (?, ?, 'global', 'up', 'down', 'old')",
        now,
        url,
      );
      const store = new HubStore(sql);
      store.migrate();
      store.migrate(); // a second start changes nothing
      return { state: store.load(now)!, events: store.listEvents(10) };
    });
    expect(loaded.state.config.upstreams[0]!.drain).toBe(false);
    expect(loaded.state.version).toBeGreaterThan(7);
    const x = loaded.state.upstreams.get(url)!;
    expect(x).toMatchObject({ verdict: "down", evidence: null });
    expect(x.locations.AMS).toMatchObject({
      verdict: "down",
      failing: { answers: true, unreachable: false, rotation: false },
      rotation: null,
      countsFrom: null,
    });
    expect(x.locations.AMS!.buckets).toEqual([
      expect.objectContaining({ successes: 3, failures: 12, networkErrors: 0, timeouts: 2 }),
    ]);
    expect(loaded.events.events).toEqual([
      expect.objectContaining({ kind: "verdict", from: "up", to: "down", reason: "old" }),
    ]);
  });
});
