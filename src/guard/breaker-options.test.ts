import { describe, expect, it } from "vitest";
import { type BreakerOptions, resolveBreakerOptions } from "./breaker-options";
import { classify } from "./classify";

describe("resolveBreakerOptions", () => {
  it("fills in the documented defaults", () => {
    expect(resolveBreakerOptions(undefined)).toEqual({
      consecutiveFailures: 5,
      failureRate: { threshold: 0.5, window: 20, minCalls: 10 },
      slowCall: false,
      openFor: { initial: 5_000, max: 60_000, multiplier: 2, jitter: 0.2, decayAfter: 60_000 },
      halfOpenProbes: 1,
      probeTimeout: 30_000,
      classify,
    });
    expect(resolveBreakerOptions({})).toEqual(resolveBreakerOptions(undefined));
  });

  it("returns false when the breaker is switched off", () => {
    expect(resolveBreakerOptions(false)).toBe(false);
  });

  it("switches single strategies off and fills in partial ones", () => {
    const resolved = resolveBreakerOptions({
      consecutiveFailures: false,
      failureRate: { window: 5 },
      slowCall: { threshold: 800 },
      openFor: { initial: 100_000 },
    });
    expect(resolved).toMatchObject({
      consecutiveFailures: false,
      failureRate: { threshold: 0.5, window: 5, minCalls: 5 },
      slowCall: { threshold: 800, rate: 0.5, window: 20, minCalls: 10 },
      openFor: { initial: 100_000, max: 100_000, decayAfter: 100_000 },
    });
    expect(resolveBreakerOptions({ failureRate: false })).toMatchObject({ failureRate: false });
  });

  it("keeps a custom classifier", () => {
    const mine = () => "ignore" as const;
    expect(resolveBreakerOptions({ classify: mine })).toMatchObject({ classify: mine });
  });

  const bad: [unknown, ErrorConstructor, string][] = [
    [
      { consecutiveFailures: 0 },
      RangeError,
      "breaker.consecutiveFailures must be an integer >= 1, got 0",
    ],
    [
      { consecutiveFailures: 2.5 },
      RangeError,
      "breaker.consecutiveFailures must be an integer >= 1, got 2.5",
    ],
    [
      { consecutiveFailures: "5" },
      TypeError,
      'breaker.consecutiveFailures must be an integer >= 1, got "5"',
    ],
    [
      { failureRate: { threshold: 2 } },
      RangeError,
      "breaker.failureRate.threshold must be a number in (0, 1], got 2",
    ],
    [
      { failureRate: { threshold: 0 } },
      RangeError,
      "breaker.failureRate.threshold must be a number in (0, 1], got 0",
    ],
    [
      { failureRate: { window: 0 } },
      RangeError,
      "breaker.failureRate.window must be an integer >= 1, got 0",
    ],
    [
      { failureRate: { window: 10, minCalls: 11 } },
      RangeError,
      "breaker.failureRate.minCalls must be an integer in [1, 10], got 11",
    ],
    [{ failureRate: 3 }, TypeError, "breaker.failureRate must be an object or false, got 3"],
    [
      { failureRate: { treshold: 0.5 } },
      TypeError,
      "breaker.failureRate.treshold is not an option; expected one of threshold, window, minCalls",
    ],
    [{ slowCall: {} }, TypeError, "breaker.slowCall.threshold must be a number > 0, got undefined"],
    [
      { slowCall: { threshold: 100, rate: 1.5 } },
      RangeError,
      "breaker.slowCall.rate must be a number in (0, 1], got 1.5",
    ],
    [
      { slowCall: { threshold: 100, window: -1 } },
      RangeError,
      "breaker.slowCall.window must be an integer >= 1, got -1",
    ],
    [
      { openFor: { initial: 0 } },
      RangeError,
      "breaker.openFor.initial must be a number > 0, got 0",
    ],
    [
      { openFor: { initial: Number.NaN } },
      RangeError,
      "breaker.openFor.initial must be a number > 0, got NaN",
    ],
    [
      { openFor: { initial: 10, max: 5 } },
      RangeError,
      "breaker.openFor.max must be a number >= 10, got 5",
    ],
    [
      { openFor: { multiplier: 0.5 } },
      RangeError,
      "breaker.openFor.multiplier must be a number >= 1, got 0.5",
    ],
    [
      { openFor: { jitter: 1 } },
      RangeError,
      "breaker.openFor.jitter must be a number in [0, 1), got 1",
    ],
    [
      { openFor: { decayAfter: 0 } },
      RangeError,
      "breaker.openFor.decayAfter must be a number > 0, got 0",
    ],
    [{ openFor: 5_000 }, TypeError, "breaker.openFor must be an object, got 5000"],
    [{ halfOpenProbes: 0 }, RangeError, "breaker.halfOpenProbes must be an integer >= 1, got 0"],
    [{ probeTimeout: -5 }, RangeError, "breaker.probeTimeout must be a number > 0, got -5"],
    [{ classify: "strict" }, TypeError, 'breaker.classify must be a function, got "strict"'],
    [{ threshold: 5 }, TypeError, "breaker.threshold is not an option"],
    [null, TypeError, "breaker must be an object, got null"],
    [[], TypeError, "breaker must be an object, got an array"],
  ];

  it.each(bad)("rejects %j", (options, type, message) => {
    const run = () => resolveBreakerOptions(options as BreakerOptions);
    expect(run).toThrow(type);
    expect(run).toThrow(message);
  });
});
