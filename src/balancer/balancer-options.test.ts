import { describe, expect, it } from "vitest";
import { type BalancerOptions, resolveBalancerOptions } from "./balancer-options";

describe("resolveBalancerOptions", () => {
  it("defaults to p2c, a 30 s linear slow start from 10%, and a 10 s EWMA", () => {
    expect(resolveBalancerOptions()).toEqual({
      balancer: "p2c",
      slowStart: { window: 30_000, aggression: 1, minWeightPercent: 10 },
      ewma: { decay: 10_000, initial: 0 },
    });
  });

  it("fills in what is missing and keeps what is given", () => {
    const resolved = resolveBalancerOptions({
      balancer: "round-robin",
      slowStart: { aggression: 2 },
      ewma: { decay: 5_000 },
    });
    expect(resolved.balancer).toBe("round-robin");
    expect(resolved.slowStart).toEqual({ window: 30_000, aggression: 2, minWeightPercent: 10 });
    expect(resolved.ewma).toEqual({ decay: 5_000, initial: 0 });
  });

  it("accepts false and a number of ms as slow start shorthands", () => {
    expect(resolveBalancerOptions({ slowStart: false }).slowStart.window).toBe(0);
    expect(resolveBalancerOptions({ slowStart: 60_000 }).slowStart.window).toBe(60_000);
    expect(resolveBalancerOptions({ slowStart: { window: 0 } }).slowStart.window).toBe(0);
  });

  it.each([
    [
      { balancer: "fastest" },
      TypeError,
      'balancer must be one of "p2c", "round-robin", "random", "least-request", got "fastest"',
    ],
    [{ slowStart: { window: -1 } }, RangeError, "slowStart.window must be a number >= 0, got -1"],
    [{ slowStart: Number.NaN }, RangeError, "slowStart.window must be a number >= 0, got NaN"],
    [
      { slowStart: { aggression: 0 } },
      RangeError,
      "slowStart.aggression must be a number > 0, got 0",
    ],
    [
      { slowStart: { minWeightPercent: 0 } },
      RangeError,
      "slowStart.minWeightPercent must be a number in (0, 100], got 0",
    ],
    [
      { slowStart: { minWeightPercent: 150 } },
      RangeError,
      "slowStart.minWeightPercent must be a number in (0, 100], got 150",
    ],
    [{ slowStart: true }, TypeError, "slowStart must be an object, false or a number, got true"],
    [
      { slowStart: { duration: 5 } },
      TypeError,
      "slowStart.duration is not an option; expected one of window, aggression, minWeightPercent",
    ],
    [{ ewma: { decay: 0 } }, RangeError, "ewma.decay must be a number > 0, got 0"],
    [{ ewma: { initial: -5 } }, RangeError, "ewma.initial must be a number >= 0, got -5"],
    [{ ewma: { tau: 5 } }, TypeError, "ewma.tau is not an option; expected one of decay, initial"],
  ])("rejects %j naming the option", (options, type, message) => {
    const resolve = () => resolveBalancerOptions(options as unknown as BalancerOptions);
    expect(resolve).toThrow(type);
    expect(resolve).toThrow(message);
  });
});
