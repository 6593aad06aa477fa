import { describe, expect, it } from "vitest";
import { resolveBreakerOptions } from "./breaker-options";
import { createStrategies } from "./breaker-strategy";
import { ConsecutiveFailuresStrategy } from "./consecutive-failures-strategy";
import { CountWindow } from "./count-window";
import { FailureRateStrategy } from "./failure-rate-strategy";
import { SlowCallRateStrategy } from "./slow-call-rate-strategy";

describe("CountWindow", () => {
  it("keeps only the last `size` calls and counts the marked ones", () => {
    const w = new CountWindow(3);
    w.push(true);
    w.push(true);
    expect(w.exceeds(0.5, 3)).toBe(false); // 2 calls: too few
    w.push(false);
    expect([w.exceeds(2 / 3, 3), w.exceeds(0.7, 3)]).toEqual([true, false]); // 2 of 3
    w.push(false); // evicts the first `true`
    expect([w.exceeds(1 / 3, 3), w.exceeds(0.4, 3)]).toEqual([true, false]); // 1 of 3
    w.push(false);
    w.push(false);
    expect([w.exceeds(0, 3), w.exceeds(0.01, 3)]).toEqual([true, false]); // 0 of 3
    w.reset();
    expect(w.exceeds(0, 1)).toBe(false); // no calls
  });
});

describe("ConsecutiveFailuresStrategy", () => {
  it("opens after `threshold` failures in a row", () => {
    const s = new ConsecutiveFailuresStrategy(3);
    expect([s.onFailure(1, 10), s.onFailure(1, 20), s.onFailure(1, 30)]).toEqual([
      false,
      false,
      true,
    ]);
  });

  it("starts counting again after a success or a reset", () => {
    const s = new ConsecutiveFailuresStrategy(2);
    s.onFailure(1, 10);
    expect(s.onSuccess(1, 20)).toBe(false);
    expect(s.onFailure(1, 30)).toBe(false);
    s.reset();
    expect(s.onFailure(1, 40)).toBe(false);
    expect(s.onFailure(1, 50)).toBe(true);
  });

  it("keeps the streak when a success was sent before the latest failure was sent", () => {
    const s = new ConsecutiveFailuresStrategy(3);
    s.onFailure(10, 110); // sent at 100
    s.onFailure(10, 120); // sent at 110
    expect(s.onSuccess(100, 125)).toBe(false); // sent at 25, before the outage: older news
    expect(s.onFailure(10, 130)).toBe(true); // the third failure in a row opens
  });

  it("ends the streak on a success sent after the latest failure was sent", () => {
    const s = new ConsecutiveFailuresStrategy(2);
    s.onFailure(10, 110); // sent at 100
    s.onSuccess(5, 115); // sent at 110
    expect(s.onFailure(10, 130)).toBe(false);
  });
});

describe("FailureRateStrategy", () => {
  it("stays closed below minCalls however many calls fail", () => {
    const s = new FailureRateStrategy({ threshold: 0.5, window: 10, minCalls: 4 });
    expect([s.onFailure(), s.onFailure(), s.onFailure()]).toEqual([false, false, false]);
    expect(s.onFailure()).toBe(true);
  });

  it("opens when the failure share reaches the threshold, even on the call that succeeds", () => {
    const s = new FailureRateStrategy({ threshold: 0.5, window: 10, minCalls: 4 });
    s.onFailure();
    s.onFailure();
    s.onSuccess();
    expect(s.onSuccess()).toBe(true); // 2 of 4 failed
  });

  it("stays closed just under the threshold", () => {
    const s = new FailureRateStrategy({ threshold: 0.3, window: 10, minCalls: 10 });
    for (let i = 0; i < 8; i++) s.onSuccess();
    s.onFailure();
    expect(s.onFailure()).toBe(false); // 2 of 10
    const t = new FailureRateStrategy({ threshold: 0.3, window: 10, minCalls: 10 });
    for (let i = 0; i < 7; i++) t.onSuccess();
    t.onFailure();
    t.onFailure();
    expect(t.onFailure()).toBe(true); // exactly 3 of 10
  });

  it("forgets failures that slid out of the window", () => {
    const s = new FailureRateStrategy({ threshold: 0.5, window: 4, minCalls: 4 });
    s.onFailure();
    for (let i = 0; i < 3; i++) expect(s.onSuccess()).toBe(false);
    s.onFailure(); // window: S S S F
    expect(s.onSuccess()).toBe(false); // window: S S F S
    expect(s.onFailure()).toBe(true); // window: S F S F
  });
});

describe("SlowCallRateStrategy", () => {
  const options = { threshold: 1_000, rate: 0.5, window: 4, minCalls: 2 };

  it("counts calls slower than the threshold, successes and failures alike", () => {
    const s = new SlowCallRateStrategy(options);
    expect(s.onSuccess(1_000)).toBe(false); // exactly the threshold is not slow
    expect(s.onSuccess(999)).toBe(false);
    expect(s.onFailure(1_001)).toBe(false); // 1 of 3
    expect(s.onSuccess(5_000)).toBe(true); // 2 of 4
  });

  it("forgets everything on reset", () => {
    const s = new SlowCallRateStrategy(options);
    s.onSuccess(5_000);
    s.reset();
    expect(s.onSuccess(5_000)).toBe(false);
    expect(s.onSuccess(10)).toBe(true);
  });
});

describe("createStrategies", () => {
  it("builds the strategies that are switched on", () => {
    const names = (o: Parameters<typeof resolveBreakerOptions>[0]) => {
      const resolved = resolveBreakerOptions(o);
      if (!resolved) throw new Error("unreachable");
      return createStrategies(resolved).map((s) => s.name);
    };
    expect(names({})).toEqual(["consecutive-failures", "failure-rate"]);
    expect(names({ consecutiveFailures: false, failureRate: false })).toEqual([]);
    expect(names({ slowCall: { threshold: 10 } })).toEqual([
      "consecutive-failures",
      "failure-rate",
      "slow-call-rate",
    ]);
  });
});
