import { describe, expect, it } from "vitest";
import {
  measureOutage,
  type OutageFacts,
  outageLines,
  quietAfter,
} from "../../../examples/demo/outage";
import { CallerRecord } from "../../../examples/demo/recorder";
import type { HubEvent } from "../../../src/protocol";

const X = "http://127.0.0.1:9003";
const Y = "http://127.0.0.1:9001";
const EPOCH = 1_800_000_000_000;

function attempts(
  record: CallerRecord,
  upstream: string,
  outcome: "ok" | "failed",
  ...at: number[]
) {
  for (const t of at) record.attempt({ at: t, upstream, ms: 1, outcome });
}

function hubEvent(at: number, scope: string, to: "up" | "down", reason = "reports: …"): HubEvent {
  return { id: at, at: EPOCH + at, upstream: X, scope, kind: "verdict", from: "up", to, reason };
}

function facts(
  aaa: CallerRecord,
  bbb: CallerRecord,
  events: HubEvent[],
  upAt: number | null,
): OutageFacts {
  return {
    outage: { url: X, name: "outage", downAt: 10_000, upAt, startsAt: 10_000 },
    locations: [aaa, bbb],
    hubEvents: events,
    startedAtEpoch: EPOCH,
    quietMs: 1_000,
  };
}

/** Calls to the healthy upstream every 50 ms over [from, to): the run goes on around X. */
function busy(record: CallerRecord, from: number, to: number) {
  for (let t = from; t < to; t += 50) attempts(record, Y, "ok", t);
}

describe("the outage's story", () => {
  it("pauses five usual intervals before it calls a location stopped", () => {
    expect(quietAfter(20, 4)).toBe(1_000);
    expect(quietAfter(1, 4)).toBe(20_000);
  });

  it("measures from the first failure: when each location stopped calling it, its breaker, the hub, and the way back", () => {
    const aaa = new CallerRecord("AAA", "");
    const bbb = new CallerRecord("BBB", "");
    attempts(aaa, X, "ok", 9_990); // before the outage: not counted
    attempts(aaa, X, "failed", 10_020, 10_060, 10_100, 10_140, 10_180);
    aaa.breaker(10_181, X, "closed", "open");
    attempts(aaa, X, "failed", 12_200); // a half-open probe
    attempts(bbb, X, "failed", 10_300, 10_700);
    bbb.excluded(11_500, [X], [X, Y]);
    busy(aaa, 10_000, 33_000);
    busy(bbb, 10_000, 33_000);
    attempts(aaa, X, "ok", 31_000);
    attempts(bbb, X, "ok", 32_500);
    const events = [
      hubEvent(10_400, "AAA", "down"),
      hubEvent(10_900, "BBB", "down", "heartbeats: 2 heartbeats failed in a row"),
      hubEvent(10_950, "global", "down", "unreachable from every vantage point"),
      hubEvent(32_000, "global", "up", "up from 3 of 3 vantage points"),
    ];
    const outage = measureOutage(facts(aaa, bbb, events, 30_000));
    if (outage.kind !== "measured") throw new Error(outage.kind);
    expect(outage.first).toMatchObject({
      name: "AAA",
      firstFailureAt: 10_020,
      stoppedAt: 10_180,
      failures: 5,
      probes: 1,
      breakerOpenAt: 10_181,
      gateClosedAt: null,
      hubDownAt: 10_400,
      hubDownOn: "reports",
      backAt: 31_000,
    });
    // BBB stopped after two failures, before anything told it to (p2c stops picking it).
    expect(outage.others[0]).toMatchObject({
      name: "BBB",
      firstFailureAt: 10_300,
      stoppedAt: 10_700,
      failures: 2,
      probes: 0,
      breakerOpenAt: null,
      gateClosedAt: 11_500,
      hubDownOn: "heartbeats",
      backAt: 32_500,
    });
    expect(outage.hubGlobalDownAt).toBe(10_950);
    expect(outage.hubGlobalUpAt).toBe(32_000);

    const text = outageLines(outage).join("\n");
    for (const line of text.split("\n")) expect(line.length).toBeLessThanOrEqual(100);
    const flat = text.replace(/\s+/g, " ");
    expect(flat).toContain("AAA met it first, with a failed attempt at 10.02 s");
    expect(flat).toContain("before a pause of 1.0 s");
    expect(flat).toContain(
      "down for AAA +0.38s (its calls), BBB +0.88s (its edge heartbeats); for everyone +0.93s",
    );
    expect(flat).toContain(
      "AAA stopped calling it +0.16s, after 5 failed attempts, then sent 1 probe; its breaker opened +0.16s; the hub's verdict reached it never.",
    );
    expect(flat).toContain(
      "BBB stopped calling it +0.68s, after 2 failed attempts, then sent 0 probes; its breaker opened never; the hub's verdict reached it +1.48s.",
    );
    expect(flat).toContain(
      "the hub said up +2.00s after it listened again; calls to it succeeded again from AAA +1.00s, BBB +2.50s",
    );
  });

  it("names the location that failed first, whichever it is, and says when one kept calling to the end", () => {
    const aaa = new CallerRecord("AAA", "");
    const bbb = new CallerRecord("BBB", "");
    for (let t = 10_000; t < 12_000; t += 200) attempts(aaa, X, "failed", t);
    attempts(bbb, X, "failed", 9_900, 10_100); // the one before the outage does not count
    busy(bbb, 10_000, 12_000);
    const outage = measureOutage(facts(aaa, bbb, [], null));
    if (outage.kind !== "measured") throw new Error(outage.kind);
    expect(outage.first.name).toBe("AAA");
    expect(outage.first.stoppedAt).toBeNull();
    expect(outage.others[0]).toMatchObject({ name: "BBB", stoppedAt: 10_100, failures: 1 });
    const flat = outageLines(outage).join(" ").replace(/\s+/g, " ");
    expect(flat).toContain("was still down at the end");
    expect(flat).toContain("AAA did not stop calling it (10 failed attempts)");
    expect(flat).toContain("The hub judged it down for AAA never, BBB never; for everyone never");
  });

  it("ignores a breaker that opened before the outage began", () => {
    const aaa = new CallerRecord("AAA", "");
    aaa.breaker(5_000, X, "closed", "open");
    attempts(aaa, X, "failed", 10_050);
    const outage = measureOutage(facts(aaa, new CallerRecord("BBB", ""), [], null));
    if (outage.kind !== "measured") throw new Error(outage.kind);
    expect(outage.first.breakerOpenAt).toBeNull();
  });

  it("says when the outage has not begun, or nobody called the upstream since", () => {
    const none = facts(new CallerRecord("AAA", ""), new CallerRecord("BBB", ""), [], null);
    expect(
      outageLines(measureOutage({ ...none, outage: { ...none.outage, downAt: null } })),
    ).toEqual(["The outage upstream had not gone down yet (it does at 10.0 s)."]);
    expect(outageLines(measureOutage(none))).toEqual([
      "The outage upstream went down at 10.0 s; no location called it since.",
    ]);
  });
});
