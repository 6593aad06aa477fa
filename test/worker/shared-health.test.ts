import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { HubEventsPage, HubSnapshot, HubUpstreamReport } from "../../src/protocol";
import { call, configure, hubOf, report, TOKENS, uniqueService, upstream } from "./helpers";

// Issue #11's two cases against the hub in workerd and a real upstream on 127.0.0.1: X's
// API (`/status/503`) answers 503 while its health path (`/status/200`) answers 200, so the
// hub's own heartbeats pass. Client A in AAA really calls X and reports what it saw, the
// way a client whose breaker opens after 5 consecutive failures would.
const heartbeat = { interval: 60_000, timeout: 1_000, rise: 1, fall: 1 };
const X = upstream("/status");
const xConfig = { url: X, healthPath: "/200" };
// Nothing listens on port 1: connections there are refused, as from a location whose path
// to X is broken.
const UNREACHABLE = "http://127.0.0.1:1/";

/** Calls `target` `n` times like client A and counts outcomes into a report entry for X. */
async function clientA(target: string, n: number): Promise<HubUpstreamReport> {
  const entry = { url: X, successes: 0, failures: 0, networkErrors: 0, timeouts: 0 };
  for (let i = 0; i < n; i++) {
    try {
      const res = await fetch(target);
      await res.body?.cancel();
      if (res.ok) entry.successes++;
      else entry.failures++;
    } catch {
      entry.networkErrors++;
    }
  }
  // Five failures in a row open its breaker: it says so, with what tripped it.
  const tripped = entry.successes === 0 && n >= 5;
  const answers = tripped && entry.failures > 0 ? 1 : 0;
  const unreachable = tripped && answers === 0 ? 1 : 0;
  return { ...entry, outOfRotation: { answers, unreachable } };
}

async function health(service: string, colo: string, etag?: string) {
  const headers: Record<string, string> = etag ? { "if-none-match": etag } : {};
  const res = await call("GET", `/v1/services/${service}/health?colo=${colo}`, {
    token: TOKENS.read,
    headers,
  });
  expect(res.status).toBe(200);
  return { etag: res.headers.get("etag")!, snap: (await res.json()) as HubSnapshot };
}

async function serviceWithHealthyHeartbeats(): Promise<string> {
  const service = uniqueService("shared");
  await configure(service, { upstreams: [xConfig], heartbeat });
  await runDurableObjectAlarm(hubOf(service));
  return service;
}

describe("an upstream answering 503 to client A in AAA, 200 on its health path", () => {
  it("is avoided by a fresh client in BBB from A's first report on, and back when A's probe succeeds", async () => {
    const service = await serviceWithHealthyHeartbeats();
    const before = await health(service, "BBB");
    expect(before.snap.upstreams[0]).toMatchObject({ verdict: "up", breakerHint: "closed" });

    const entry = await clientA(`${X}/503`, 5);
    expect(entry).toMatchObject({ failures: 5, outOfRotation: { answers: 1, unreachable: 0 } });
    expect((await report(service, { colo: "AAA", upstreams: [entry] })).status).toBe(202);

    // No alarm has run: the report itself carried the judgement, and the ETag moved.
    const after = await health(service, "BBB", before.etag);
    expect(after.etag).not.toBe(before.etag);
    const x = after.snap.upstreams[0]!;
    expect(x).toMatchObject({ verdict: "down", evidence: "answers", breakerHint: "open" });
    expect(x.heartbeat.verdict).toBe("up");
    expect(x.locations.BBB).toBeUndefined();

    // A's half-open probe gets a good answer and it reports that.
    const probe = await clientA(`${X}/200`, 1);
    await report(service, { colo: "AAA", upstreams: [probe] });
    const recovered = (await health(service, "BBB", after.etag)).snap.upstreams[0]!;
    expect(recovered).toMatchObject({ verdict: "up", breakerHint: "closed" });
  });
});

describe("an upstream that refuses only client A's connections", () => {
  it("is down for AAA only: the global verdict stays up and closed, BBB keeps using it", async () => {
    const service = await serviceWithHealthyHeartbeats();
    const b = await clientA(`${X}/200`, 20);
    expect((await report(service, { colo: "BBB", upstreams: [b] })).status).toBe(202);
    const a = await clientA(UNREACHABLE, 5);
    expect(a).toMatchObject({ networkErrors: 5, outOfRotation: { answers: 0, unreachable: 1 } });
    expect((await report(service, { colo: "AAA", upstreams: [a] })).status).toBe(202);

    const x = (await health(service, "BBB")).snap.upstreams[0]!;
    expect(x).toMatchObject({ verdict: "up", breakerHint: "closed" });
    expect(x.locations.AAA).toMatchObject({
      verdict: "down",
      evidence: "unreachable",
      breakerHint: "open",
      networkErrors: 5,
    });
    expect(x.locations.BBB).toMatchObject({ verdict: "up", breakerHint: "closed" });
  });
});

describe("drain", () => {
  it("opens X's hints at once and logs drain and undrain", async () => {
    const service = await serviceWithHealthyHeartbeats();
    const before = await health(service, "BBB");
    await configure(service, { upstreams: [{ ...xConfig, drain: true }], heartbeat });
    const drained = await health(service, "BBB", before.etag);
    expect(drained.snap.upstreams[0]).toMatchObject({
      drain: true,
      verdict: "up",
      breakerHint: "open",
    });
    await configure(service, { upstreams: [xConfig], heartbeat });
    const undrained = (await health(service, "BBB", drained.etag)).snap.upstreams[0]!;
    expect(undrained).toMatchObject({ drain: false, breakerHint: "closed" });
    const res = await call("GET", `/v1/services/${service}/events`, { token: TOKENS.read });
    const { events } = (await res.json()) as HubEventsPage;
    expect(events.filter((e) => e.kind !== "verdict").map((e) => e.kind)).toEqual([
      "undrain",
      "drain",
    ]);
  });
});
