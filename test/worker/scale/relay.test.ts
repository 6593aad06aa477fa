import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import type { HubError, HubReportAck, HubSnapshot, HubUpstreamReport } from "../../../src/protocol";
import { call, configure, hubOf, report, TOKENS, uniqueService, upstream } from "../helpers";
import { countedAt, flushRelay, loadOf, relayAlarm, relayOf, stateOf } from "./scale-helpers";

// In this project relays flush a minute after their first entry, so nothing flushes on its
// own during a test: each flush below is the relay's alarm, run by runDurableObjectAlarm.
const FLUSH_MS = 60_000;
const heartbeat = { interval: 60_000, timeout: 1_000, rise: 1, fall: 1 };
const A = upstream("/status/200");
const B = upstream("/status/204");

/** Client `i`'s report `j`: varied counts, so a lost or doubled report shows in the sums. */
function entry(url: string, i: number, j: number): HubUpstreamReport {
  const count = 1 + ((i * 7 + j * 3) % 11);
  return {
    url,
    successes: (i * 5 + j) % 17,
    failures: (i + j * 2) % 5,
    networkErrors: (i * 3 + j) % 4,
    timeouts: (i + j) % 3,
    latency: { count, sumMs: count * (10 + ((i + j) % 9)), maxMs: 20 + ((i * 13 + j) % 40) },
  };
}

/** What the object must hold after `entries`, summed here independently of the relay's merge. */
function sums(entries: HubUpstreamReport[]) {
  const total = (of: (e: HubUpstreamReport) => number | undefined) =>
    entries.reduce((sum, e) => sum + (of(e) ?? 0), 0);
  return {
    successes: total((e) => e.successes),
    failures: total((e) => e.failures),
    networkErrors: total((e) => e.networkErrors),
    timeouts: total((e) => e.timeouts),
    latencySum: total((e) => e.latency?.sumMs),
    latencyCount: total((e) => e.latency?.count),
    latencyMax: Math.max(0, ...entries.map((e) => e.latency?.maxMs ?? 0)),
  };
}

async function newService(): Promise<string> {
  const service = uniqueService("relay");
  await configure(service, { upstreams: [A, B], heartbeat });
  return service;
}

async function post(service: string, colo: string, upstreams: HubUpstreamReport[]) {
  const res = await report(service, { colo, upstreams });
  expect(res.status).toBe(202);
  return (await res.json()) as HubReportAck;
}

describe("location relays", () => {
  it("sums N clients × M reports from each of 3 locations exactly into the object's totals", async () => {
    const service = await newService();
    const colos = ["AMS", "FRA", "SIN"];
    const N = 12;
    const M = 5;
    const sent = new Map(
      colos.map((colo) => [colo, { a: [] as HubUpstreamReport[], b: [] as HubUpstreamReport[] }]),
    );
    for (let j = 0; j < M; j++) {
      // Each round, every client of every location reports at once.
      await Promise.all(
        colos.flatMap((colo, c) =>
          Array.from({ length: N }, (_, i) => {
            const a = entry(A, i + c * N, j);
            const b = entry(B, i + c * N, j + 1);
            sent.get(colo)!.a.push(a);
            sent.get(colo)!.b.push(b);
            return post(service, colo, [a, b]);
          }),
        ),
      );
      // A flush between rounds, so the sums run over several flushes per location.
      if (j % 2 === 1) for (const colo of colos) expect(await flushRelay(service, colo)).toBe(true);
    }
    for (const colo of colos) await flushRelay(service, colo);
    for (const colo of colos) {
      expect(await countedAt(service, A, colo)).toEqual(sums(sent.get(colo)!.a));
      expect(await countedAt(service, B, colo)).toEqual(sums(sent.get(colo)!.b));
    }
    const load = await loadOf(service);
    expect(load.relayed).toBe(colos.length * N * M);
    // Two mid-run flushes and a final one per location: the object took 9 writes, no reports.
    expect(load.flushes).toBe(colos.length * 3);
    expect(load.reports).toBe(0);
  });

  it("arms its flush one interval after the first entry, and one flush carries every report since", async () => {
    const service = await newService();
    const before = Date.now();
    await post(service, "AMS", [entry(A, 1, 1)]);
    const after = Date.now();
    const alarm = await relayAlarm(service, "AMS");
    expect(alarm).toBeGreaterThanOrEqual(before + FLUSH_MS);
    expect(alarm).toBeLessThanOrEqual(after + FLUSH_MS);
    for (let i = 2; i <= 10; i++) await post(service, "AMS", [entry(A, i, 1)]);
    // Later entries leave the alarm where it was.
    expect(await relayAlarm(service, "AMS")).toBe(alarm);
    expect((await loadOf(service)).flushes).toBe(0);

    expect(await flushRelay(service, "AMS")).toBe(true);
    expect(await loadOf(service)).toMatchObject({ flushes: 1, relayed: 10 });
    // Nothing new: no alarm, so an idle relay costs nothing.
    expect(await relayAlarm(service, "AMS")).toBeNull();
    expect(await flushRelay(service, "AMS")).toBe(false);
    await post(service, "AMS", [entry(A, 11, 1)]);
    expect(await relayAlarm(service, "AMS")).not.toBeNull();
  });

  it("flushes at once when an entry takes an upstream out of rotation, with every report merged so far", async () => {
    const service = await newService();
    await post(service, "AMS", [entry(A, 1, 1)]);
    expect(await relayAlarm(service, "AMS")).toBeGreaterThan(Date.now() + FLUSH_MS / 2);
    const tripped = { url: A, successes: 0, failures: 5, timeouts: 0 };
    await post(service, "AMS", [{ ...tripped, outOfRotation: { answers: 1, unreachable: 0 } }]);
    // The alarm now fires on its own, a minute early.
    await vi.waitFor(async () => expect((await loadOf(service)).flushes).toBe(1), {
      timeout: 15_000,
      interval: 20,
    });
    expect(await loadOf(service)).toMatchObject({ relayed: 2, reports: 0 });
    expect(await countedAt(service, A, "AMS")).toMatchObject({
      failures: 5 + entry(A, 1, 1).failures,
    });

    // The same upstream still out, and another one out within the interval: both wait for
    // the regular flush.
    await post(service, "AMS", [{ ...tripped, outOfRotation: { answers: 1, unreachable: 0 } }]);
    await post(service, "AMS", [
      { ...tripped, url: B, outOfRotation: { answers: 0, unreachable: 1 } },
    ]);
    expect(await relayAlarm(service, "AMS")).toBeGreaterThan(Date.now() + FLUSH_MS / 2);
    expect((await loadOf(service)).flushes).toBe(1);
  }, 20_000);

  it("shows relayed reports in the snapshot only after the flush", async () => {
    const service = await newService();
    await post(service, "AMS", [{ url: A, successes: 30, failures: 0, timeouts: 0 }]);
    const direct = async () => {
      const reply = await hubOf(service).health(null, null);
      if (!reply.ok || reply.status !== 200) throw new Error("no snapshot");
      return JSON.parse(reply.body) as HubSnapshot;
    };
    expect((await direct()).upstreams[0]!.locations.AMS).toBeUndefined();
    await flushRelay(service, "AMS");
    expect((await direct()).upstreams[0]!.locations.AMS).toMatchObject({
      calls: 30,
      verdict: "up",
    });
  });

  it("sends heartbeat results under a lease straight to the object, with the entries beside them", async () => {
    const service = await newService();
    const res = await call("GET", `/v1/services/${service}/health?colo=AMS`, {
      token: TOKENS.report,
    });
    const { lease } = (await res.json()) as { lease: { id: string } };
    await post(service, "AMS", [entry(A, 1, 1)]);
    const ack = await report(service, {
      colo: "AMS",
      upstreams: [entry(B, 2, 2)],
      heartbeats: { leaseId: lease.id, results: [{ url: A, status: 200, latencyMs: 3 }] },
    });
    expect(ack.status).toBe(202);
    expect(await loadOf(service)).toMatchObject({ reports: 1, flushes: 0 });
    // The leased batch counted at once; the relayed entry waits for the flush.
    expect((await countedAt(service, B, "AMS")).successes).toBe(entry(B, 2, 2).successes);
    expect((await countedAt(service, A, "AMS")).successes).toBe(0);
    expect(await stateOf(service, (s) => s.upstreams.get(A)!.locations.AMS!.edgeLast?.ok)).toBe(
      true,
    );
  });

  it("refuses an unknown upstream with 400 and merges nothing of that batch", async () => {
    const service = await newService();
    const res = await report(service, {
      colo: "AMS",
      upstreams: [entry(A, 1, 1), entry(upstream("/status/500"), 1, 1)],
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as HubError).issues).toEqual([
      { path: "upstreams.1.url", message: `unknown upstream ${upstream("/status/500")}` },
    ]);
    expect(await flushRelay(service, "AMS")).toBe(false);
  });

  it("learns a config change from its next flush and takes the new upstream", async () => {
    const service = await newService();
    await post(service, "AMS", [entry(A, 1, 1)]);
    const C = upstream("/status/202");
    await configure(service, { upstreams: [A, B, C], heartbeat });
    // C is unknown to the relay until it asks again, which a report naming it makes it do.
    await post(service, "AMS", [entry(C, 2, 2)]);
    await flushRelay(service, "AMS");
    expect((await countedAt(service, C, "AMS")).successes).toBe(entry(C, 2, 2).successes);
    expect((await countedAt(service, A, "AMS")).successes).toBe(entry(A, 1, 1).successes);
  });

  it("answers 404 for a service without a config and stores nothing, in the relay or the hub", async () => {
    const service = uniqueService("nobody");
    const res = await report(service, { colo: "AMS", upstreams: [entry(A, 1, 1)] });
    expect(res.status).toBe(404);
    const relayStored = await runInDurableObject(relayOf(service, "AMS"), async (_r, state) => ({
      alarm: await state.storage.getAlarm(),
      tables: state.storage.sql
        .exec(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\'",
        )
        .toArray(),
    }));
    expect(relayStored).toEqual({ alarm: null, tables: [] });
    expect((await hubOf(service).load()).ok).toBe(false);
  });

  it("loses at most the reports of one flush when the relay is lost", async () => {
    const service = await newService();
    const kept: HubUpstreamReport[] = [];
    for (let i = 0; i < 5; i++) kept.push(entry(A, i, 0));
    for (const e of kept) await post(service, "AMS", [e]);
    await flushRelay(service, "AMS");

    // These wait in the relay's memory when it is lost (evicted, or its machine fails).
    for (let i = 0; i < 5; i++) await post(service, "AMS", [entry(A, i, 1)]);
    await runInDurableObject(relayOf(service, "AMS"), (_r, state) => state.abort("lost")).catch(
      () => {},
    );
    // Its alarm outlives it and fires on a fresh instance with nothing to send.
    await flushRelay(service, "AMS");
    expect((await loadOf(service)).flushes).toBe(1);

    for (let i = 0; i < 5; i++) {
      const e = entry(A, i, 2);
      kept.push(e);
      await post(service, "AMS", [e]);
    }
    await flushRelay(service, "AMS");
    expect(await countedAt(service, A, "AMS")).toEqual(sums(kept));
    expect((await loadOf(service)).relayed).toBe(10);
  });

  it("resends a flush whose delivery failed under the same id, and the object counts it once", async () => {
    const service = await newService();
    const e = entry(A, 3, 3);
    await post(service, "AMS", [e]);
    // The first delivery reaches the object, but the relay hears an error (a lost reply).
    await runInDurableObject(relayOf(service, "AMS"), (relay) => {
      const r = relay as unknown as { hub(): { absorb: (...a: unknown[]) => Promise<unknown> } };
      const real = r.hub.bind(relay);
      let failed = false;
      r.hub = () => {
        const stub = real();
        return {
          absorb: async (...args: unknown[]) => {
            const ack = await stub.absorb(...args);
            if (failed) return ack;
            failed = true;
            throw new Error("network connection lost");
          },
        };
      };
    });
    await flushRelay(service, "AMS");
    expect(await flushRelay(service, "AMS")).toBe(true);
    expect(await loadOf(service)).toMatchObject({ flushes: 2, relayed: 1 });
    expect(await countedAt(service, A, "AMS")).toEqual(sums([e]));
  });
});
