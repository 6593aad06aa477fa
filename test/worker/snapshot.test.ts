import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { HubEventsPage, HubSnapshot } from "../../src/protocol";
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
const get = (service: string, headers: Record<string, string> = {}, token: string = TOKENS.read) =>
  call("GET", `/v1/services/${service}/health`, { token, headers });

describe("snapshot ETag", () => {
  it("answers 304 to If-None-Match with the current ETag, and 200 once state changed", async () => {
    const service = uniqueService("etag");
    const url = upstream("/status/200");
    await configure(service, { upstreams: [url], heartbeat });
    const first = await get(service);
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^"\d+"$/);
    expect(first.headers.get("content-type")).toMatch(/application\/json/);
    const same = await get(service, { "if-none-match": etag });
    expect(same.status).toBe(304);
    expect(same.headers.get("etag")).toBe(etag);
    expect(await same.text()).toBe("");
    expect((await get(service, { "if-none-match": `"nope", W/${etag}` })).status).toBe(304);
    expect((await get(service, { "if-none-match": "*" })).status).toBe(304);
    await report(service, { upstreams: [{ url, successes: 1, failures: 0, timeouts: 0 }] });
    const changed = await get(service, { "if-none-match": etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
  });

  it("never answers 304 to a response that carries a lease", async () => {
    const service = uniqueService("etag");
    await configure(service, { upstreams: [upstream("/status/200")], heartbeat });
    const etag = (await get(service)).headers.get("etag")!;
    const leased = await get(service, { "if-none-match": etag }, TOKENS.report);
    expect(leased.status).toBe(200);
    expect(((await leased.json()) as HubSnapshot).lease).toBeDefined();
    expect(leased.headers.get("etag")).not.toBe(etag);
  });

  it("carries generatedAt and per-signal timestamps for TTLs", async () => {
    const service = uniqueService("ts");
    const url = upstream("/status/200");
    await configure(service, { upstreams: [url], heartbeat });
    await runDurableObjectAlarm(hubOf(service));
    await report(service, {
      colo: "AMS",
      upstreams: [{ url, successes: 10, failures: 0, timeouts: 0 }],
    });
    const snap = await snapshot(service);
    const u = snap.upstreams[0]!;
    expect(snap.generatedAt).toBeGreaterThan(0);
    expect(u.heartbeat.last!.at).toBeLessThanOrEqual(snap.generatedAt);
    expect(u.locations.AMS!.reportedAt).toBeLessThanOrEqual(snap.generatedAt);
    expect(u.since).toBeLessThanOrEqual(snap.generatedAt);
    expect(snap.heartbeat).toEqual(heartbeat);
  });
});

describe("combining signals", () => {
  // Before #11 one failing location next to passing hub heartbeats made the upstream
  // "degraded" whatever the failures were. Now failed answers take it down everywhere,
  // and it is degraded only while other locations' calls get good answers.
  it("takes an upstream down on one location's failed answers though the hub's heartbeats pass, degraded while another location gets good answers", async () => {
    const service = uniqueService("mix");
    const url = upstream("/status/200");
    await configure(service, { upstreams: [url], heartbeat });
    await runDurableObjectAlarm(hubOf(service));
    expect((await snapshot(service)).upstreams[0]!.verdict).toBe("up");
    const failing = { url, successes: 4, failures: 8, timeouts: 3 };
    await report(service, { colo: "AMS", upstreams: [failing] });
    let u = (await snapshot(service)).upstreams[0]!;
    expect(u.locations.AMS).toMatchObject({
      verdict: "down",
      evidence: "answers",
      breakerHint: "open",
      calls: 15,
    });
    expect(u.locations.AMS!.reason).toMatch(/answer failure rate 0\.67 over 12 answered calls/);
    expect(u).toMatchObject({ verdict: "down", evidence: "answers", breakerHint: "open" });
    expect(u.reason).toBe("failed answers at AMS");
    await report(service, {
      colo: "SIN",
      upstreams: [{ url, successes: 30, failures: 0, timeouts: 0 }],
    });
    u = (await snapshot(service)).upstreams[0]!;
    expect(u).toMatchObject({ verdict: "degraded", breakerHint: "half-open" });
    // AMS recovers once its failure rate falls to 0.2 or below.
    await report(service, {
      colo: "AMS",
      upstreams: [{ url, successes: 40, failures: 0, timeouts: 0 }],
    });
    u = (await snapshot(service)).upstreams[0]!;
    expect(u.locations.AMS!.verdict).toBe("up");
    expect(u.verdict).toBe("up");
    expect(u.successRate).toBeCloseTo(74 / 85);
  });

  it("computes availability, MTBF and MTTR from global transitions", async () => {
    const service = uniqueService("avail");
    const url = upstream("/status/200");
    await configure(service, { upstreams: [url], heartbeat });
    await runDurableObjectAlarm(hubOf(service));
    const failing = { url, successes: 0, failures: 20, timeouts: 0 };
    await report(service, { colo: "AMS", upstreams: [failing] });
    await report(service, { colo: "SIN", upstreams: [failing] });
    await report(service, {
      colo: "AMS",
      upstreams: [{ url, successes: 200, failures: 0, timeouts: 0 }],
    });
    await report(service, {
      colo: "SIN",
      upstreams: [{ url, successes: 200, failures: 0, timeouts: 0 }],
    });
    const { availability, verdict } = (await snapshot(service)).upstreams[0]!;
    expect(verdict).toBe("up");
    expect(availability).toMatchObject({ failures: 1, recoveries: 1 });
    expect(availability.mttrMs).toBeGreaterThanOrEqual(0);
    expect(availability.mtbfMs).toBe(availability.upMs);
    expect(availability.availability).toBeGreaterThan(0);
    expect(availability.availability).toBeLessThanOrEqual(1);
  });
});

describe("events", () => {
  it("lists verdict changes newest first, paged with a cursor", async () => {
    const service = uniqueService("ev");
    const urls = [upstream("/status/200"), upstream("/status/503"), upstream("/status/200/b")];
    await configure(service, { upstreams: urls, heartbeat: { ...heartbeat } });
    await runDurableObjectAlarm(hubOf(service));
    const page = async (query: string) =>
      (await (
        await call("GET", `/v1/services/${service}/events${query}`, { token: TOKENS.read })
      ).json()) as HubEventsPage;
    const all = await page("?limit=100");
    // Per upstream: the hub's own track changes, then the global verdict.
    expect(all.events).toHaveLength(6);
    expect(all.next).toBeNull();
    const ids = all.events.map((e) => e.id);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    const first = await page("?limit=4");
    expect(first.events.map((e) => e.id)).toEqual(ids.slice(0, 4));
    expect(first.next).toBe(ids[3]);
    const second = await page(`?limit=4&before=${first.next}`);
    expect(second.events.map((e) => e.id)).toEqual(ids.slice(4));
    expect(second.next).toBeNull();
    const down = all.events.find((e) => e.scope === "global" && e.to === "down")!;
    expect(down).toMatchObject({ upstream: urls[1], from: "unknown" });
    expect(down.reason).toMatch(/failed/);
  });
});
