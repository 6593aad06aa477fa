import { describe, expect, it } from "vitest";
import type { Classification } from "./classify";
import { type EjectionReason, OutlierDetector } from "./outlier-detector";
import { type OutlierOptions, resolveOutlierOptions } from "./outlier-options";
import { successRateThreshold } from "./success-rate-threshold";

function setup(options: OutlierOptions = {}, hosts = ["a", "b", "c", "d", "e", "f"]) {
  const resolved = resolveOutlierOptions(options);
  if (!resolved) throw new Error("unreachable");
  const log: string[] = [];
  const untilOf = new Map<string, number>();
  const detector = new OutlierDetector<string>(resolved, {
    onEject: (host, reason: EjectionReason, until, now) => {
      untilOf.set(host, until);
      log.push(`eject ${host} ${reason} ${until} @${now}`);
    },
    onReadmit: (host, now) => log.push(`readmit ${host} @${now}`),
  });
  const ids = hosts.map((h) => detector.add(h));
  const send = (host: number, outcome: Classification, times: number, now: number) => {
    for (let i = 0; i < times; i++) detector.record(host, outcome, now);
  };
  /** When the host's ejection ends, as its `onEject` said, or `null` if it is not ejected. */
  const ejectedUntil = (id: number, now: number) =>
    detector.isEjected(id, now) ? untilOf.get(hosts[ids.indexOf(id)]!)! : null;
  const ejectedCount = (now: number) => ids.filter((id) => detector.isEjected(id, now)).length;
  return { detector, log, ids, send, ejectedUntil, ejectedCount };
}

describe("successRateThreshold", () => {
  it("is mean − k × population stddev", () => {
    // mean 0.5, stddev 0.5
    expect(successRateThreshold([0, 1], 1)).toBeCloseTo(0);
    expect(successRateThreshold([1, 1, 1, 1, 1, 0.2], 1.9)).toBeCloseTo(0.8667 - 1.9 * 0.2981, 3);
  });

  it("finds no outlier among equal rates, however they round", () => {
    expect(successRateThreshold([0.9, 0.9, 0.9], 1.9)).toBe(Number.NEGATIVE_INFINITY);
    expect(successRateThreshold([0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1], 0.001)).toBe(
      Number.NEGATIVE_INFINITY,
    );
    expect(successRateThreshold([], 1.9)).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe("OutlierDetector", () => {
  it("does not let a success sent before the latest failure end a failure streak", () => {
    const { detector, log, ids } = setup({ consecutiveFailures: 3, successRate: false });
    const a = ids[0]!;
    detector.record(a, "failure", 110, 100);
    detector.record(a, "failure", 120, 110);
    detector.record(a, "success", 125, 20); // sent before the outage, answered during it
    expect(log).toEqual([]);
    detector.record(a, "failure", 130, 125);
    expect(log).toEqual(["eject a consecutive-failures 30130 @130"]);
    const b = ids[1]!;
    detector.record(b, "failure", 110, 100);
    detector.record(b, "success", 115, 110); // sent after the failure: the streak ends
    detector.record(b, "failure", 130, 125);
    detector.record(b, "failure", 140, 135);
    expect(log).toHaveLength(1);
  });

  it("ejects a host after 5 consecutive failures, at once", () => {
    const { detector, log, ids, send, ejectedUntil } = setup();
    send(ids[0]!, "failure", 4, 100);
    send(ids[0]!, "success", 1, 100);
    send(ids[0]!, "failure", 4, 100);
    expect(detector.isEjected(ids[0]!, 100)).toBe(false);
    send(ids[0]!, "failure", 1, 100);
    expect(detector.isEjected(ids[0]!, 100)).toBe(true);
    expect(ejectedUntil(ids[0]!, 100)).toBe(30_100);
    expect(log).toEqual(["eject a consecutive-failures 30100 @100"]);
  });

  it("ignores `ignore` outcomes", () => {
    const { detector, ids, send } = setup({ consecutiveFailures: 2 });
    send(ids[0]!, "failure", 1, 0);
    send(ids[0]!, "ignore", 3, 0);
    send(ids[0]!, "failure", 1, 0);
    expect(detector.isEjected(ids[0]!, 0)).toBe(true);
  });

  it("readmits lazily when the time is up, and ejects for longer the next time", () => {
    const { detector, log, ids, send, ejectedUntil } = setup({
      consecutiveFailures: 1,
      successRate: false,
    });
    send(ids[1]!, "failure", 1, 0);
    expect(detector.isEjected(ids[1]!, 29_999)).toBe(true);
    expect(detector.isEjected(ids[1]!, 30_000)).toBe(false);
    expect(log).toEqual(["eject b consecutive-failures 30000 @0", "readmit b @30000"]);
    send(ids[1]!, "failure", 1, 30_001);
    expect(ejectedUntil(ids[1]!, 30_001)).toBe(90_001); // 2 × 30 s
  });

  it("caps the ejection time at maxEjection", () => {
    const { ids, send, ejectedUntil } = setup({
      consecutiveFailures: 1,
      successRate: false,
      baseEjection: 100,
      maxEjection: 250,
    });
    let now = 0;
    const durations: number[] = [];
    for (let i = 0; i < 4; i++) {
      send(ids[0]!, "failure", 1, now);
      const until = ejectedUntil(ids[0]!, now)!;
      durations.push(until - now);
      now = until;
    }
    expect(durations).toEqual([100, 200, 250, 250]);
  });

  it("earns back one ejection per interval spent in service", () => {
    const { detector, ids, send, ejectedUntil } = setup({
      consecutiveFailures: 1,
      successRate: false,
      baseEjection: 100,
      interval: 1_000,
    });
    detector.evaluate(0);
    send(ids[0]!, "failure", 1, 0); // 1st: 100
    send(ids[0]!, "failure", 1, 100); // 2nd: 200
    detector.evaluate(1_000); // readmitted at 300, in for only 700 ms: nothing earned
    send(ids[0]!, "failure", 1, 1_100);
    expect(ejectedUntil(ids[0]!, 1_100)).toBe(1_400); // 3rd: 300
    detector.evaluate(2_100); // back since 1_400: 700 ms, nothing earned
    detector.evaluate(3_100); // a whole interval in service: earns one
    detector.evaluate(4_200); // another: earns one more
    send(ids[0]!, "failure", 1, 4_200);
    expect(ejectedUntil(ids[0]!, 4_200)! - 4_200).toBe(200); // 3 − 2 earned + 1
  });

  it("ejects a statistical outlier at the interval, not before", () => {
    const { detector, log, ids, send } = setup({ consecutiveFailures: false });
    detector.evaluate(0);
    for (const id of ids.slice(0, 5)) send(id, "success", 20, 1_000);
    send(ids[5]!, "success", 10, 1_000);
    send(ids[5]!, "failure", 10, 1_000);
    expect(detector.isEjected(ids[5]!, 9_999)).toBe(false);
    detector.evaluate(10_000);
    expect(detector.isEjected(ids[5]!, 10_000)).toBe(true);
    expect(log).toEqual(["eject f success-rate 40000 @10000"]);
  });

  it("runs the interval check from record too", () => {
    const { detector, ids, send } = setup({ consecutiveFailures: false });
    send(ids[0]!, "success", 1, 0); // starts the first interval
    for (const id of ids.slice(0, 5)) send(id, "success", 20, 1_000);
    send(ids[5]!, "failure", 20, 1_000);
    send(ids[0]!, "success", 1, 10_000);
    expect(detector.isEjected(ids[5]!, 10_000)).toBe(true);
  });

  it("leaves the rates alone below minHosts or minRequests", () => {
    const few = setup({ consecutiveFailures: false }, ["a", "b"]);
    few.detector.evaluate(0);
    few.send(few.ids[0]!, "success", 50, 1);
    few.send(few.ids[1]!, "failure", 50, 1);
    few.detector.evaluate(10_000);
    expect(few.ejectedCount(10_000)).toBe(0);

    const quiet = setup({ consecutiveFailures: false });
    quiet.detector.evaluate(0);
    for (const id of quiet.ids.slice(0, 5)) quiet.send(id, "success", 20, 1);
    quiet.send(quiet.ids[5]!, "failure", 19, 1);
    quiet.detector.evaluate(10_000);
    expect(quiet.ejectedCount(10_000)).toBe(0);
  });

  it("starts a fresh window each interval", () => {
    const { detector, ids, send } = setup({ consecutiveFailures: false });
    detector.evaluate(0);
    for (const id of ids.slice(0, 5)) send(id, "success", 20, 1);
    send(ids[5]!, "failure", 10, 1);
    detector.evaluate(10_000); // f had too few calls
    send(ids[5]!, "failure", 10, 10_001);
    for (const id of ids.slice(0, 5)) send(id, "success", 20, 10_001);
    detector.evaluate(20_000); // still only 10 calls this interval
    expect(detector.isEjected(ids[5]!, 20_000)).toBe(false);
  });

  it("ejects by failure percentage among few hosts", () => {
    const { detector, log, ids, send } = setup(
      { consecutiveFailures: false, failurePercentage: { threshold: 0.5, minHosts: 2 } },
      ["a", "b", "c"],
    );
    detector.evaluate(0);
    send(ids[0]!, "success", 20, 1);
    send(ids[1]!, "success", 10, 1);
    send(ids[1]!, "failure", 10, 1);
    send(ids[2]!, "success", 11, 1);
    send(ids[2]!, "failure", 9, 1);
    detector.evaluate(10_000);
    expect(log).toEqual(["eject b failure-percentage 40000 @10000"]);
  });

  it("never ejects more than maxEjectionPercent, worst first", () => {
    const { detector, log, ids, send, ejectedCount } = setup({
      consecutiveFailures: 1,
      successRate: false,
    });
    send(ids[0]!, "failure", 1, 0);
    send(ids[1]!, "failure", 1, 0);
    send(ids[2]!, "failure", 1, 0);
    send(ids[3]!, "failure", 1, 0);
    expect(ejectedCount(0)).toBe(3); // 50% of 6
    expect(log).toHaveLength(3);
    expect(detector.isEjected(ids[3]!, 0)).toBe(false);
    expect(detector.isEjected(ids[0]!, 30_000)).toBe(false); // room again
    send(ids[3]!, "failure", 1, 30_000);
    expect(detector.isEjected(ids[3]!, 30_000)).toBe(true);
  });

  it("ejects the worst outliers first when the cap bites", () => {
    const { detector, log, ids, send } = setup(
      {
        consecutiveFailures: false,
        successRate: false,
        failurePercentage: { threshold: 0.3 },
        maxEjectionPercent: 20,
      },
      ["a", "b", "c", "d", "e"],
    );
    detector.evaluate(0);
    send(ids[0]!, "success", 20, 1);
    send(ids[1]!, "success", 20, 1);
    send(ids[2]!, "failure", 10, 1);
    send(ids[2]!, "success", 10, 1);
    send(ids[3]!, "failure", 18, 1);
    send(ids[3]!, "success", 2, 1);
    send(ids[4]!, "success", 20, 1);
    detector.evaluate(10_000);
    expect(log).toEqual(["eject d failure-percentage 40000 @10000"]);
  });

  it("always allows one ejection among 2 hosts but none with 1 host or 0%", () => {
    const two = setup({ consecutiveFailures: 1, maxEjectionPercent: 10 }, ["a", "b"]);
    two.send(two.ids[0]!, "failure", 1, 0);
    two.send(two.ids[1]!, "failure", 1, 0);
    expect(two.log).toEqual(["eject a consecutive-failures 30000 @0"]);

    const one = setup({ consecutiveFailures: 1 }, ["a"]);
    one.send(one.ids[0]!, "failure", 3, 0);
    expect(one.detector.isEjected(one.ids[0]!, 0)).toBe(false);

    const none = setup({ consecutiveFailures: 1, maxEjectionPercent: 0 });
    none.send(none.ids[0]!, "failure", 3, 0);
    expect(none.ejectedCount(0)).toBe(0);
  });

  it("adds and removes hosts without touching the others", () => {
    const { detector, log, ids, send } = setup({ consecutiveFailures: 2 }, ["a", "b"]);
    send(ids[0]!, "failure", 2, 0);
    send(ids[1]!, "failure", 1, 0);
    expect(detector.add("c")).toBe(2);
    expect(detector.isEjected(ids[0]!, 1)).toBe(true);
    expect(detector.remove(ids[0]!)).toBe(true);
    expect(detector.remove(ids[0]!)).toBe(false);
    expect(detector.isEjected(ids[0]!, 1)).toBe(false);
    const d = detector.add("d"); // reuses a's slot with a clean state
    expect(d).toBe(ids[0]);
    expect(detector.isEjected(d, 1)).toBe(false);
    send(ids[1]!, "failure", 1, 1); // b's count survived: 2 in a row now
    expect(detector.isEjected(ids[1]!, 1)).toBe(true);
    expect(log).toEqual([
      "eject a consecutive-failures 30000 @0",
      "eject b consecutive-failures 30001 @1",
    ]);
    detector.record(99, "failure", 2);
    expect(detector.isEjected(99, 2)).toBe(false);
  });

  it("ends an ejection early on readmit() and reports it like one by time", () => {
    const { detector, log, ids, send, ejectedCount } = setup();
    send(ids[0]!, "failure", 5, 1_000);
    expect(detector.isEjected(ids[0]!, 1_000)).toBe(true);
    expect(detector.readmit(ids[0]!, 2_000)).toBe(true);
    expect(detector.isEjected(ids[0]!, 2_000)).toBe(false);
    expect(detector.readmit(ids[0]!, 2_000)).toBe(false);
    expect(log).toEqual(["eject a consecutive-failures 31000 @1000", "readmit a @2000"]);
    expect(ejectedCount(2_000)).toBe(0);
  });

  it("starts a new streak after forgive()", () => {
    const { detector, ids, send } = setup();
    send(ids[0]!, "failure", 4, 1_000);
    detector.forgive(ids[0]!);
    send(ids[0]!, "failure", 4, 1_000);
    expect(detector.isEjected(ids[0]!, 1_000)).toBe(false);
    send(ids[0]!, "failure", 1, 1_000);
    expect(detector.isEjected(ids[0]!, 1_000)).toBe(true);
  });
});
