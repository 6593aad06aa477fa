import { describe, expect, it } from "vitest";
import type { HubSnapshot } from "../../../src/protocol";
import {
  type HealthAnswer,
  type LocationRead,
  LocationReads,
  type SnapshotOrigin,
} from "../../../worker/http/location-reads";
import { call, configure, hubOf, TOKENS, uniqueService, upstream } from "../helpers";
import { loadOf, stateOf } from "./scale-helpers";

// In this project a copy stays fresh for a minute, so reads through the Worker never find
// it stale by themselves; copies age on a manual clock in the LocationReads tests below.
const CACHE_MS = 60_000;
const heartbeat = { interval: 60_000, timeout: 1_000, rise: 1, fall: 1 };
const A = upstream("/status/200");

async function newService(): Promise<string> {
  const service = uniqueService("reads");
  await configure(service, { upstreams: [A], heartbeat });
  return service;
}

/** A GET of the snapshot through the Worker. */
async function get(service: string, colo: string, token: string = TOKENS.read, etag?: string) {
  const headers: Record<string, string> = etag ? { "if-none-match": etag } : {};
  const res = await call("GET", `/v1/services/${service}/health?colo=${colo}`, { token, headers });
  const body = res.status === 200 ? ((await res.json()) as HubSnapshot) : null;
  return {
    status: res.status,
    etag: res.headers.get("etag"),
    source: res.headers.get("hub-snapshot-source"),
    cacheControl: res.headers.get("cache-control"),
    body,
  };
}

/** A LocationReads of its own (another isolate) on a clock the test moves. */
function isolate(start = Date.now()) {
  let now = start;
  const reads = new LocationReads({ now: () => now });
  return {
    reads,
    advance: (ms: number) => {
      now += ms;
    },
    at: () => now,
  };
}

/** The service's object, counting the calls that reach it from this test's isolate. */
function counted(service: string) {
  const calls: { ifNoneMatch: string | null; leaseColo: string | null }[] = [];
  const origin: SnapshotOrigin = {
    health: (ifNoneMatch, leaseColo) => {
      calls.push({ ifNoneMatch, leaseColo });
      return hubOf(service).health(ifNoneMatch, leaseColo);
    },
  };
  return { origin: () => origin, calls };
}

function read(
  service: string,
  origin: () => SnapshotOrigin,
  more: Partial<LocationRead> = {},
): LocationRead {
  return {
    service,
    colo: "AMS",
    ifNoneMatch: null,
    mayProbe: false,
    cacheMs: CACHE_MS,
    origin,
    cacheUrl: "http://hub.test",
    ...more,
  };
}

const bodyOf = (a: HealthAnswer) => (a.ok && a.status === 200 ? a.body : null);

describe("snapshot reads at a location", () => {
  it("cost the object one read per location while the copy is fresh, however many clients read", async () => {
    const service = await newService();
    // 40 clients of a location read at once, with no copy anywhere yet: one fetches it.
    const cold = await Promise.all(Array.from({ length: 40 }, () => get(service, "AMS")));
    expect(cold.filter((r) => r.source === "object")).toHaveLength(1);
    expect(new Set(cold.map((r) => `${r.status} ${r.etag} ${r.cacheControl}`)).size).toBe(1);
    const warm = await Promise.all(Array.from({ length: 40 }, () => get(service, "AMS")));
    for (const r of warm) expect(r).toMatchObject({ status: 200, source: "isolate" });
    await get(service, "FRA");
    expect(await loadOf(service)).toMatchObject({ snapshots: 2, leaseAsks: 0 });
  });

  it("answers If-None-Match from the copy with 304, without the object", async () => {
    const service = await newService();
    const { etag } = await get(service, "AMS");
    const again = await get(service, "AMS", TOKENS.read, etag!);
    expect(again).toMatchObject({ status: 304, etag, source: "isolate" });
    expect((await loadOf(service)).snapshots).toBe(1);
  });

  it("serves another isolate of the same location from the Cache API", async () => {
    const service = await newService();
    const { etag } = await get(service, "AMS");
    // The Worker's isolate puts its copy in the Cache API after its response (waitUntil).
    const entry = `http://hub.test/__hub/location-copy/${encodeURIComponent(`${service}/AMS`)}`;
    for (let i = 0; i < 200 && !(await caches.default.match(entry)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const other = isolate();
    const hub = counted(service);
    const answer = await other.reads.read(read(service, hub.origin));
    expect(answer).toMatchObject({ ok: true, status: 200, etag, source: "location" });
    expect(hub.calls).toEqual([]);
  });

  it("revalidates a stale copy with its ETag: 304 keeps the copy", async () => {
    const service = await newService();
    const clock = isolate();
    const hub = counted(service);
    const first = await clock.reads.read(read(service, hub.origin));
    clock.advance(CACHE_MS - 1);
    expect(await clock.reads.read(read(service, hub.origin))).toMatchObject({ source: "isolate" });
    clock.advance(1);
    const second = await clock.reads.read(read(service, hub.origin));
    expect(hub.calls).toEqual([
      { ifNoneMatch: null, leaseColo: null },
      { ifNoneMatch: (first as { etag: string }).etag, leaseColo: null },
    ]);
    expect(second).toMatchObject({ status: 200, source: "object" });
    expect(bodyOf(second)).toBe(bodyOf(first));
    expect((await loadOf(service)).notModified).toBe(1);
    clock.advance(CACHE_MS - 1);
    expect(await clock.reads.read(read(service, hub.origin))).toMatchObject({ source: "isolate" });
  });

  it("replaces a stale copy when the object's version moved", async () => {
    const service = await newService();
    const clock = isolate();
    const hub = counted(service);
    const first = await clock.reads.read(read(service, hub.origin));
    await configure(service, { upstreams: [A, upstream("/status/204")], heartbeat });
    clock.advance(CACHE_MS);
    const second = await clock.reads.read(read(service, hub.origin));
    expect(second).toMatchObject({ status: 200, source: "object" });
    expect((second as { etag: string }).etag).not.toBe((first as { etag: string }).etag);
    expect(JSON.parse(bodyOf(second)!).upstreams).toHaveLength(2);
  });

  it("answers from the stale copy while another request of the isolate revalidates it", async () => {
    const service = await newService();
    const clock = isolate();
    const hub = counted(service);
    await clock.reads.read(read(service, hub.origin));
    clock.advance(CACHE_MS);
    const [a, b] = await Promise.all([
      clock.reads.read(read(service, hub.origin)),
      clock.reads.read(read(service, hub.origin)),
    ]);
    expect([a.ok && a.source, b.ok && b.source].sort()).toEqual(["isolate", "object"]);
    expect(hub.calls).toHaveLength(2);
  });

  it("serves a config change made through this isolate at its next read, fresh copy or not", async () => {
    const service = await newService();
    expect((await get(service, "AMS")).body!.upstreams).toHaveLength(1);
    await configure(service, { upstreams: [A, upstream("/status/204")], heartbeat });
    const after = await get(service, "AMS");
    expect(after).toMatchObject({ status: 200, source: "object" });
    expect(after.body!.upstreams).toHaveLength(2);
    // A service that was unknown here a moment ago is served once it is configured.
    const fresh = uniqueService("late");
    expect((await get(fresh, "AMS")).status).toBe(404);
    await configure(fresh, { upstreams: [A], heartbeat });
    expect((await get(fresh, "AMS")).status).toBe(200);
  });

  it("remembers an unknown service for one interval and stores nothing for it", async () => {
    const service = uniqueService("nobody");
    const clock = isolate();
    const hub = counted(service);
    expect(await clock.reads.read(read(service, hub.origin))).toMatchObject({ status: 404 });
    expect(await clock.reads.read(read(service, hub.origin))).toMatchObject({ status: 404 });
    expect(hub.calls).toHaveLength(1);
    clock.advance(CACHE_MS);
    await clock.reads.read(read(service, hub.origin));
    expect(hub.calls).toHaveLength(2);
    expect((await get(service, "AMS")).status).toBe(404);
    expect((await hubOf(service).load()).ok).toBe(false);
  });
});

describe("probe leases with cached snapshots", () => {
  it("go to exactly one of 50 concurrent readers that may report, per location", async () => {
    const service = await newService();
    const reads = await Promise.all(
      ["AMS", "SIN"].flatMap((colo) =>
        Array.from({ length: 50 }, () => get(service, colo, TOKENS.report)),
      ),
    );
    for (const colo of ["AMS", "SIN"]) {
      const leased = reads.filter((r) => r.body?.lease?.colo === colo);
      expect(leased).toHaveLength(1);
      expect(leased[0]).toMatchObject({ source: "object", cacheControl: "private, no-store" });
      expect(leased[0]!.etag).toBe(`"${leased[0]!.body!.version}-${leased[0]!.body!.lease!.id}"`);
    }
    // This isolate asked once per location; every other read came from its copy.
    expect(await loadOf(service)).toMatchObject({ leaseAsks: 2, leasesGranted: 2, snapshots: 2 });
  });

  it("go to one isolate of a location when two ask at once", async () => {
    const service = await newService();
    const answers = await Promise.all(
      [isolate(), isolate(), isolate()].map((i) =>
        i.reads.read(read(service, counted(service).origin, { mayProbe: true })),
      ),
    );
    expect(answers.filter((a) => a.ok && a.status === 200 && a.lease)).toHaveLength(1);
    expect(await loadOf(service)).toMatchObject({ leaseAsks: 3, leasesGranted: 1 });
  });

  it("are asked for again only once the object says one may be due", async () => {
    const service = await newService();
    const clock = isolate();
    const hub = counted(service);
    const probe = read(service, hub.origin, { mayProbe: true });
    const first = await clock.reads.read(probe);
    const lease = JSON.parse(bodyOf(first)!).lease as { id: string };
    await hubOf(service).report("AMS", {
      heartbeats: { leaseId: lease.id, results: [{ url: A, status: 200, latencyMs: 4 }] },
    });
    clock.advance(heartbeat.interval - 1);
    expect(await clock.reads.read(probe)).toMatchObject({ source: "isolate", lease: false });
    expect(hub.calls).toHaveLength(1);
    // An interval on: the object agrees (its heartbeat is an interval old) and hands a new one.
    await stateOf(service, (s) => {
      s.upstreams.get(A)!.locations.AMS!.edge.lastAt! -= heartbeat.interval;
    });
    clock.advance(heartbeat.interval);
    const next = await clock.reads.read(probe);
    expect(hub.calls).toEqual([
      { ifNoneMatch: null, leaseColo: "AMS" },
      { ifNoneMatch: expect.any(String), leaseColo: "AMS" },
    ]);
    expect(JSON.parse(bodyOf(next)!).lease.id).not.toBe(lease.id);
  });

  it("are never asked for by a caller that may only read", async () => {
    const service = await newService();
    await Promise.all(Array.from({ length: 10 }, () => get(service, "AMS", TOKENS.read)));
    expect((await loadOf(service)).leaseAsks).toBe(0);
  });

  it("stay out of the copy: the holder's next read gets the shared snapshot", async () => {
    const service = await newService();
    const leased = await get(service, "AMS", TOKENS.report);
    expect(leased.body?.lease).toBeDefined();
    const next = await get(service, "AMS", TOKENS.report, leased.etag!);
    expect(next).toMatchObject({ status: 200, source: "isolate" });
    expect(next.body?.lease).toBeUndefined();
    expect(next.etag).toBe(`"${leased.body!.version}"`);
  });
});
