import { describe, expect, it } from "vitest";
import { type BreakerOptions, resolveBreakerOptions } from "./breaker-options";
import type { BreakerState } from "./breaker-state";
import { CircuitBreaker } from "./circuit-breaker";
import { ADMIT, PROBE, permitKind, REJECT } from "./permit";

const noJitter = { initial: 5_000, max: 60_000, multiplier: 2, jitter: 0 };

function setup(options: BreakerOptions = {}, random = () => 0.5) {
  const resolved = resolveBreakerOptions({ openFor: noJitter, ...options });
  if (!resolved) throw new Error("unreachable");
  const events: [BreakerState, BreakerState, string, number][] = [];
  const breaker = new CircuitBreaker(resolved, random, (from, to, reason, now) =>
    events.push([from, to, reason, now]),
  );
  const call = (outcome: "success" | "failure" | "ignore", now: number, duration = 10) => {
    const permit = breaker.admit(now);
    if (permit !== REJECT) breaker.record(permit, outcome, duration, now);
    return permit;
  };
  const fail = (times: number, now: number) => {
    for (let i = 0; i < times; i++) call("failure", now);
  };
  return { breaker, events, call, fail };
}

describe("CircuitBreaker", () => {
  it("starts closed and admits normal calls", () => {
    const { breaker } = setup();
    expect(breaker.state).toEqual({ kind: "closed" });
    expect(permitKind(breaker.admit(0))).toBe(ADMIT);
    expect(breaker.peek(0)).toBe(true);
  });

  it("opens after 5 consecutive failures", () => {
    const { breaker, events, fail } = setup({ failureRate: false });
    fail(4, 100);
    expect(breaker.kind).toBe("closed");
    fail(1, 100);
    expect(breaker.state).toEqual({ kind: "open", since: 100, until: 5_100, trips: 1 });
    expect(events).toEqual([[{ kind: "closed" }, breaker.state, "consecutive-failures", 100]]);
  });

  it("opens on the failure rate with the strategy's name as reason", () => {
    const { breaker, events, call } = setup({
      consecutiveFailures: false,
      failureRate: { threshold: 0.5, window: 4, minCalls: 4 },
    });
    call("failure", 0);
    call("success", 0);
    call("failure", 0);
    expect(breaker.kind).toBe("closed");
    call("success", 0);
    expect(breaker.kind).toBe("open");
    expect(events[0]?.[2]).toBe("failure-rate");
  });

  it("opens on the slow-call rate even when every call succeeds", () => {
    const { breaker, events, call } = setup({
      slowCall: { threshold: 100, rate: 0.5, window: 2, minCalls: 2 },
    });
    call("success", 0, 150);
    call("success", 0, 150);
    expect(breaker.kind).toBe("open");
    expect(events[0]?.[2]).toBe("slow-call-rate");
  });

  it("rejects while open and does not peek true before its time", () => {
    const { breaker, fail } = setup();
    fail(5, 0);
    expect(breaker.admit(4_999)).toBe(REJECT);
    expect(breaker.peek(4_999)).toBe(false);
    expect(breaker.kind).toBe("open");
    expect(breaker.peek(5_000)).toBe(true);
    expect(breaker.kind).toBe("open"); // peek changes nothing
  });

  it("turns half-open lazily at `until` and lets one probe through", () => {
    const { breaker, events, fail } = setup();
    fail(5, 0);
    const probe = breaker.admit(5_000);
    expect(permitKind(probe)).toBe(PROBE);
    expect(breaker.state).toEqual({ kind: "half-open", since: 5_000, probesInFlight: 1 });
    expect(events[1]?.slice(1)).toEqual([
      { kind: "half-open", since: 5_000, probesInFlight: 0 },
      "open-elapsed",
      5_000,
    ]);
    expect(breaker.admit(5_001)).toBe(REJECT);
    expect(breaker.peek(5_001)).toBe(false);
  });

  it("closes when the probe succeeds, and counts afresh", () => {
    const { breaker, events, call, fail } = setup();
    fail(5, 0);
    call("success", 5_000);
    expect(breaker.kind).toBe("closed");
    expect(events.map((e) => [e[1].kind, e[2]])).toEqual([
      ["open", "consecutive-failures"],
      ["half-open", "open-elapsed"],
      ["closed", "probes-succeeded"],
    ]);
    fail(4, 5_001); // the strategies were reset: 4 failures do not reopen
    expect(breaker.kind).toBe("closed");
  });

  it("reopens for twice as long when the probe fails", () => {
    const { breaker, events, call, fail } = setup();
    fail(5, 0);
    call("failure", 5_000);
    expect(breaker.state).toEqual({ kind: "open", since: 5_000, until: 15_000, trips: 2 });
    expect(events[2]?.[2]).toBe("probe-failed");
    call("failure", 15_000);
    expect(breaker.state).toEqual({ kind: "open", since: 15_000, until: 35_000, trips: 3 });
  });

  it("needs `halfOpenProbes` successes and admits that many probes at once", () => {
    const { breaker } = setup({ halfOpenProbes: 3 });
    for (let i = 0; i < 5; i++) breaker.record(breaker.admit(0), "failure", 1, 0);
    const probes = [breaker.admit(5_000), breaker.admit(5_000), breaker.admit(5_000)];
    expect(probes.map(permitKind)).toEqual([PROBE, PROBE, PROBE]);
    expect(breaker.admit(5_000)).toBe(REJECT);
    breaker.record(probes[0]!, "success", 1, 5_001);
    breaker.record(probes[1]!, "success", 1, 5_001);
    expect(breaker.kind).toBe("half-open");
    const fourth = breaker.admit(5_002); // a slot is free again
    expect(permitKind(fourth)).toBe(PROBE);
    breaker.record(probes[2]!, "success", 1, 5_003);
    expect(breaker.kind).toBe("closed");
    breaker.record(fourth, "failure", 1, 5_004); // late probe of a finished round
    expect(breaker.kind).toBe("closed");
  });

  it("frees a probe slot when the probe is released without a verdict", () => {
    const { breaker, fail } = setup();
    fail(5, 0);
    const probe = breaker.admit(5_000);
    breaker.record(probe, "ignore", 1, 5_001);
    expect(breaker.kind).toBe("half-open");
    const again = breaker.admit(5_002);
    expect(permitKind(again)).toBe(PROBE);
    breaker.release(again);
    expect(breaker.state).toMatchObject({ probesInFlight: 0 });
  });

  it("frees the slot of a probe that never reports after probeTimeout", () => {
    const { breaker, fail } = setup({ probeTimeout: 1_000 });
    fail(5, 0);
    const lost = breaker.admit(5_000);
    expect(breaker.admit(5_999)).toBe(REJECT);
    expect(breaker.peek(6_000)).toBe(true);
    const next = breaker.admit(6_000);
    expect(permitKind(next)).toBe(PROBE);
    breaker.record(lost, "failure", 1, 6_001); // the lost one turns up: ignored
    expect(breaker.kind).toBe("half-open");
    breaker.record(next, "success", 1, 6_002);
    expect(breaker.kind).toBe("closed");
  });

  it("ignores outcomes of calls admitted before the breaker opened", () => {
    const { breaker, fail } = setup();
    const early = breaker.admit(0);
    fail(5, 0);
    breaker.record(early, "success", 1, 1);
    expect(breaker.kind).toBe("open");
    const probe = breaker.admit(5_000);
    breaker.record(early, "failure", 1, 5_001);
    expect(breaker.state).toMatchObject({ kind: "half-open", probesInFlight: 1 });
    breaker.record(probe, "success", 1, 5_002);
    expect(breaker.kind).toBe("closed");
  });

  it("ignores `ignore` outcomes in closed state", () => {
    const { breaker, call } = setup({ failureRate: false });
    for (let i = 0; i < 4; i++) call("failure", 0);
    call("ignore", 0);
    call("failure", 0);
    expect(breaker.kind).toBe("open");
  });

  it("decays trips by one per decayAfter spent closed", () => {
    const { breaker, call, fail } = setup({ openFor: { ...noJitter, decayAfter: 10_000 } });
    fail(5, 0);
    call("failure", 5_000); // trips 2, open until 15_000
    call("success", 15_000); // closed at 15_000
    expect(breaker.snapshot().trips).toBe(2);
    breaker.admit(24_999);
    expect(breaker.snapshot().trips).toBe(2);
    breaker.admit(25_000);
    expect(breaker.snapshot().trips).toBe(1);
    fail(5, 26_000); // trip 2 again: 10 s, not 20 s
    expect(breaker.state).toEqual({ kind: "open", since: 26_000, until: 36_000, trips: 2 });
    call("success", 36_000);
    breaker.admit(1_000_000);
    expect(breaker.snapshot().trips).toBe(0);
  });

  it("keeps trips across a quick close so a flapping upstream stays out longer", () => {
    const { breaker, call, fail } = setup();
    fail(5, 0);
    call("success", 5_000);
    fail(5, 6_000);
    expect(breaker.state).toEqual({ kind: "open", since: 6_000, until: 16_000, trips: 2 });
  });

  it("caps the open duration at max and applies jitter from the injected random", () => {
    const { breaker, call, fail } = setup(
      { openFor: { initial: 1_000, max: 3_000, multiplier: 10, jitter: 0.5 } },
      () => 0,
    );
    fail(5, 0);
    expect(breaker.state).toMatchObject({ until: 500 }); // 1_000 × (1 − 0.5)
    call("failure", 500);
    expect(breaker.state).toMatchObject({ since: 500, until: 2_000 }); // 3_000 × 0.5
  });

  it("isolates until reset, whatever the state", () => {
    const { breaker, events, fail } = setup();
    breaker.isolate(1);
    breaker.isolate(2);
    expect(breaker.state).toEqual({ kind: "isolated" });
    expect(breaker.admit(1e12)).toBe(REJECT);
    expect(breaker.peek(1e12)).toBe(false);
    breaker.reset(3);
    expect(breaker.kind).toBe("closed");
    expect(events.map((e) => [e[1].kind, e[2], e[3]])).toEqual([
      ["isolated", "isolated", 1],
      ["closed", "reset", 3],
    ]);
    fail(5, 10);
    breaker.isolate(11);
    const probe = breaker.admit(1e9);
    expect(probe).toBe(REJECT);
  });

  it("reset closes an open breaker and forgets trips and counts", () => {
    const { breaker, events, fail } = setup();
    fail(5, 0);
    fail(0, 0);
    breaker.reset(100);
    expect(breaker.kind).toBe("closed");
    expect(breaker.snapshot().trips).toBe(0);
    fail(4, 101);
    breaker.reset(102); // already closed: no event, counts forgotten
    fail(4, 103);
    expect(breaker.kind).toBe("closed");
    expect(events.map((e) => e[2])).toEqual(["consecutive-failures", "reset"]);
  });

  it("records nothing for a rejected permit", () => {
    const { breaker, fail } = setup();
    fail(5, 0);
    breaker.record(REJECT, "success", 1, 1);
    breaker.release(REJECT);
    expect(breaker.kind).toBe("open");
  });

  it("works without a transition listener", () => {
    const resolved = resolveBreakerOptions({ consecutiveFailures: 1 });
    if (!resolved) throw new Error("unreachable");
    const breaker = new CircuitBreaker(resolved, () => 0.5);
    breaker.record(breaker.admit(0), "failure", 1, 0);
    expect(breaker.kind).toBe("open");
  });

  it("turns half-open in update() once the open interval is over, without a call", () => {
    const { breaker, events, fail } = setup({ failureRate: false });
    fail(5, 100);
    expect(breaker.update(5_099)).toBe(false);
    expect(breaker.kind).toBe("open");
    expect(breaker.update(5_100)).toBe(true);
    expect(breaker.state).toEqual({ kind: "half-open", since: 5_100, probesInFlight: 0 });
    expect(events.at(-1)!.slice(2)).toEqual(["open-elapsed", 5_100]);
    // The probe slot is still free: admit hands it out without another transition.
    expect(permitKind(breaker.admit(6_000))).toBe(PROBE);
    expect(events).toHaveLength(2);
  });

  it("forgets a failure streak on clearCounts() without changing state or trips", () => {
    const { breaker, events, fail } = setup({ failureRate: false });
    fail(4, 100);
    breaker.clearCounts();
    fail(4, 200);
    expect(breaker.kind).toBe("closed");
    fail(1, 300);
    expect(breaker.state).toMatchObject({ kind: "open", trips: 1 });
    expect(events).toHaveLength(1);
  });
});
