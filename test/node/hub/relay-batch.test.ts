import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { HubConfig, HubUpstreamReport } from "../../../src/protocol";
import { recordReport } from "../../../worker/model/hub-reducer";
import { createHubState, type HubState } from "../../../worker/model/hub-state";
import { windowTotals } from "../../../worker/model/passive";
import { addToRelayBatch, newRelayBatch, relayEntries } from "../../../worker/model/relay-batch";
import { rotationShare } from "../../../worker/model/rotation";

const URL_A = "https://a.internal";
const URL_B = "https://b.internal";
const config: HubConfig = {
  upstreams: [URL_A, URL_B].map((url) => ({
    url,
    weight: 1,
    healthPath: "/",
    expectedStatus: [200],
    drain: false,
  })),
  heartbeat: { interval: 10_000, timeout: 1_000, rise: 1, fall: 1 },
};

const count = fc.integer({ min: 0, max: 1_000 });
/** One client's entry, as the Worker's schema leaves it (defaults filled in). */
const clientEntry = fc
  .record({
    url: fc.constantFrom(URL_A, URL_B),
    successes: count,
    failures: count,
    networkErrors: count,
    timeouts: count,
    latency: fc.record({
      count: count,
      sumMs: fc.integer({ min: 0, max: 100_000 }),
      maxMs: fc.integer({ min: 0, max: 5_000 }),
    }),
    out: fc.constantFrom("in", "answers", "unreachable"),
  })
  .map(
    ({ out, ...e }): HubUpstreamReport => ({
      ...e,
      outOfRotation: {
        answers: out === "answers" ? 1 : 0,
        unreachable: out === "unreachable" ? 1 : 0,
      },
    }),
  );
/** Reports as they reach a relay: one client's entries, and when (ms into the flush). */
const arrivals = fc.array(
  fc.record({ entries: fc.array(clientEntry, { minLength: 1, maxLength: 3 }), dt: fc.nat(300) }),
  { minLength: 1, maxLength: 30 },
);

/** The arrivals with absolute times from `start`. */
function atTimes(list: { entries: HubUpstreamReport[]; dt: number }[], start: number) {
  const timed: { entries: HubUpstreamReport[]; at: number }[] = [];
  let at = start;
  for (const { entries, dt } of list) {
    at += dt;
    timed.push({ entries, at });
  }
  return timed;
}

function direct(state: HubState, list: { entries: HubUpstreamReport[]; at: number }[]) {
  for (const { entries, at } of list) for (const e of entries) recordReport(state, "AMS", e, at);
}

describe("relay batches", () => {
  it("sum every count exactly and keep the largest latency", () => {
    const batch = newRelayBatch();
    addToRelayBatch(
      batch,
      [
        {
          url: URL_A,
          successes: 3,
          failures: 1,
          networkErrors: 2,
          timeouts: 0,
          latency: { count: 6, sumMs: 60, maxMs: 30 },
        },
        { url: URL_B, successes: 1, failures: 0, timeouts: 4 },
      ],
      0,
    );
    addToRelayBatch(
      batch,
      [
        {
          url: URL_A,
          successes: 5,
          failures: 0,
          timeouts: 2,
          latency: { count: 7, sumMs: 91, maxMs: 18, p99Ms: 17 },
        },
      ],
      100,
    );
    expect(batch.reports).toBe(2);
    expect(relayEntries(batch, 100)).toEqual([
      {
        url: URL_A,
        successes: 8,
        failures: 1,
        networkErrors: 2,
        timeouts: 2,
        latency: { count: 13, sumMs: 151, maxMs: 30 },
        outOfRotation: { answers: 0, unreachable: 0 },
        reporters: expect.closeTo(1 + 2 ** (-100 / 1_500), 12),
      },
      {
        url: URL_B,
        successes: 1,
        failures: 0,
        networkErrors: 0,
        timeouts: 4,
        outOfRotation: { answers: 0, unreachable: 0 },
        reporters: expect.closeTo(2 ** (-100 / 1_500), 12),
      },
    ]);
  });

  it("give the hub the same window totals as the entries sent one by one", () => {
    fc.assert(
      fc.property(arrivals, (list) => {
        const start = 1_000_000;
        const timed = atTimes(list, start);
        const at = timed[timed.length - 1]!.at;
        const one = createHubState("svc", config, start);
        direct(one, timed);
        const merged = createHubState("svc", config, start);
        const batch = newRelayBatch();
        for (const { entries, at: t } of timed) addToRelayBatch(batch, entries, t);
        for (const e of relayEntries(batch, at)) recordReport(merged, "AMS", e, at);
        for (const url of [URL_A, URL_B]) {
          const a = one.upstreams.get(url)!.locations.AMS;
          const b = merged.upstreams.get(url)!.locations.AMS;
          expect(b === undefined).toBe(a === undefined);
          if (!a || !b) continue;
          // All arrivals (at most 9 s apart) fall in one 10 s bucket, as the flush does.
          expect(windowTotals(b.buckets, at)).toEqual(windowTotals(a.buckets, at));
          expect(b.buckets.map((x) => x.latencyMax)).toEqual(a.buckets.map((x) => x.latencyMax));
        }
      }),
    );
  });

  it("give the hub the same out-of-rotation share as the entries sent one by one", () => {
    fc.assert(
      fc.property(arrivals, fc.nat(900), (list, flushDelay) => {
        const start = 2_000_000;
        const timed = atTimes(list, start);
        const at = timed[timed.length - 1]!.at;
        const flushAt = at + flushDelay;
        // The location already had a history when the relay's interval began.
        const before = [
          { entries: [{ url: URL_A, successes: 1, failures: 0, timeouts: 0 }], at: start - 700 },
        ];
        const one = createHubState("svc", config, start);
        direct(one, [...before, ...timed]);
        const merged = createHubState("svc", config, start);
        direct(merged, before);
        const batch = newRelayBatch();
        for (const { entries, at: t } of timed) addToRelayBatch(batch, entries, t);
        for (const e of relayEntries(batch, flushAt)) recordReport(merged, "AMS", e, flushAt);
        for (const url of [URL_A, URL_B]) {
          const a = rotationShare(one.upstreams.get(url)!.locations.AMS?.rotation ?? null, flushAt);
          const b = rotationShare(
            merged.upstreams.get(url)!.locations.AMS?.rotation ?? null,
            flushAt,
          );
          expect(b === null).toBe(a === null);
          if (!a || !b) continue;
          expect(b.answers).toBeCloseTo(a.answers, 9);
          expect(b.unreachable).toBeCloseTo(a.unreachable, 9);
        }
      }),
    );
  });
});
