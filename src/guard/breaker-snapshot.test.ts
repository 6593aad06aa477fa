import { describe, expect, it } from "vitest";
import { resolveBreakerOptions } from "./breaker-options";
import { type BreakerState, parseBreakerSnapshot } from "./breaker-state";
import { CircuitBreaker } from "./circuit-breaker";
import { PROBE, permitKind, REJECT } from "./permit";

function make() {
  const options = resolveBreakerOptions({ openFor: { jitter: 0 } });
  if (!options) throw new Error("unreachable");
  const events: [string, string, string][] = [];
  const breaker = new CircuitBreaker(
    options,
    () => 0.5,
    (from, to, reason) => events.push([from.kind, to.kind, reason]),
  );
  return { breaker, events };
}

function trip(breaker: CircuitBreaker, now: number) {
  for (let i = 0; i < 5; i++) breaker.record(breaker.admit(now), "failure", 1, now);
}

const roundTrip = (value: unknown) => JSON.parse(JSON.stringify(value));

describe("breaker snapshots", () => {
  it("survive a JSON round trip unchanged and carry no functions", () => {
    const { breaker } = make();
    trip(breaker, 1_000);
    const snapshot = breaker.snapshot();
    expect(snapshot).toEqual({
      v: 1,
      state: { kind: "open", since: 1_000, until: 6_000, trips: 1 },
      trips: 1,
      decayFrom: 0,
    });
    expect(roundTrip(snapshot)).toEqual(snapshot);
  });

  it("restore every state into another breaker", () => {
    const source = make().breaker;
    const states: BreakerState["kind"][] = [];
    const check = () => {
      const target = make().breaker;
      target.restore(roundTrip(source.snapshot()), 0);
      expect(target.snapshot()).toEqual(source.snapshot());
      states.push(target.kind);
    };
    check();
    trip(source, 0);
    check();
    source.admit(5_000);
    const target = make().breaker;
    target.restore(roundTrip(source.snapshot()), 5_000);
    expect(target.state).toEqual({ kind: "half-open", since: 5_000, probesInFlight: 0 });
    source.isolate(6_000);
    check();
    expect(states).toEqual(["closed", "open", "isolated"]);
  });

  it("a restored open breaker rejects until its time and then probes", () => {
    const { breaker, events } = make();
    breaker.restore(
      { v: 1, state: { kind: "open", since: 0, until: 9_000, trips: 3 }, trips: 3, decayFrom: 0 },
      10,
    );
    expect(events).toEqual([["closed", "open", "restored"]]);
    expect(breaker.admit(8_999)).toBe(REJECT);
    const probe = breaker.admit(9_000);
    expect(permitKind(probe)).toBe(PROBE);
    breaker.record(probe, "failure", 1, 9_000);
    expect(breaker.state).toEqual({ kind: "open", since: 9_000, until: 49_000, trips: 4 });
  });

  it("drops outcomes of calls admitted before a restore", () => {
    const { breaker } = make();
    trip(breaker, 0);
    const probe = breaker.admit(5_000);
    breaker.restore(
      {
        v: 1,
        state: { kind: "half-open", since: 5_000, probesInFlight: 1 },
        trips: 1,
        decayFrom: 0,
      },
      5_001,
    );
    expect(breaker.state).toMatchObject({ probesInFlight: 0 });
    breaker.record(probe, "success", 1, 5_002);
    expect(breaker.kind).toBe("half-open");
  });

  it("restoring closed over closed keeps local counts and emits nothing", () => {
    const { breaker, events } = make();
    for (let i = 0; i < 4; i++) breaker.record(breaker.admit(0), "failure", 1, 0);
    breaker.restore({ v: 1, state: { kind: "closed" }, trips: 0, decayFrom: 0 }, 1);
    breaker.record(breaker.admit(2), "failure", 1, 2);
    expect(breaker.kind).toBe("open");
    expect(events).toEqual([["closed", "open", "consecutive-failures"]]);
  });

  const bad: [unknown, string][] = [
    [null, "breaker snapshot must be an object, got null"],
    ["{}", 'breaker snapshot must be an object, got "{}"'],
    [
      { v: 2, state: { kind: "closed" }, trips: 0, decayFrom: 0 },
      "breaker snapshot: v must be 1, got 2",
    ],
    [
      { state: { kind: "closed" }, trips: 0, decayFrom: 0 },
      "breaker snapshot: v must be 1, got undefined",
    ],
    [
      { v: 1, state: "closed", trips: 0, decayFrom: 0 },
      'breaker snapshot: state must be an object, got "closed"',
    ],
    [
      { v: 1, state: { kind: "ajar" }, trips: 0, decayFrom: 0 },
      'state.kind must be "closed", "open", "half-open" or "isolated", got "ajar"',
    ],
    [
      { v: 1, state: { kind: "open", since: 0, trips: 1 }, trips: 1, decayFrom: 0 },
      "breaker snapshot: state.until must be a finite number, got undefined",
    ],
    [
      { v: 1, state: { kind: "open", since: 0, until: 1, trips: -1 }, trips: 1, decayFrom: 0 },
      "breaker snapshot: state.trips must be an integer >= 0, got -1",
    ],
    [
      { v: 1, state: { kind: "half-open", since: 0, probesInFlight: 0.5 }, trips: 1, decayFrom: 0 },
      "state.probesInFlight must be an integer >= 0, got 0.5",
    ],
    [
      { v: 1, state: { kind: "closed" }, trips: "2", decayFrom: 0 },
      'breaker snapshot: trips must be an integer >= 0, got "2"',
    ],
    [
      { v: 1, state: { kind: "closed" }, trips: 0 },
      "breaker snapshot: decayFrom must be a finite number, got undefined",
    ],
  ];

  it.each(bad)("restore rejects %j with a TypeError", (input, message) => {
    const { breaker, events } = make();
    expect(() => breaker.restore(input, 0)).toThrow(TypeError);
    expect(() => parseBreakerSnapshot(input)).toThrow(message);
    expect(breaker.kind).toBe("closed");
    expect(events).toEqual([]);
  });

  it("drops unknown extra fields", () => {
    const parsed = parseBreakerSnapshot({
      v: 1,
      state: { kind: "closed", extra: true },
      trips: 0,
      decayFrom: 0,
      location: "FRA",
    });
    expect(parsed).toEqual({ v: 1, state: { kind: "closed" }, trips: 0, decayFrom: 0 });
  });
});
