import { describe, expect, it } from "vitest";
import { type OutlierOptions, resolveOutlierOptions } from "./outlier-options";

describe("resolveOutlierOptions", () => {
  it("fills in the documented defaults", () => {
    expect(resolveOutlierOptions(undefined)).toEqual({
      consecutiveFailures: 5,
      successRate: { stdevFactor: 1.9, minHosts: 3, minRequests: 20 },
      failurePercentage: false,
      interval: 10_000,
      baseEjection: 30_000,
      maxEjection: 300_000,
      maxEjectionPercent: 50,
    });
  });

  it("returns false when ejection is switched off, and switches single rules off", () => {
    expect(resolveOutlierOptions(false)).toBe(false);
    expect(
      resolveOutlierOptions({
        consecutiveFailures: false,
        successRate: false,
        failurePercentage: {},
      }),
    ).toMatchObject({
      consecutiveFailures: false,
      successRate: false,
      failurePercentage: { threshold: 0.85, minHosts: 3, minRequests: 20 },
    });
  });

  it("raises the default maxEjection to a larger baseEjection", () => {
    expect(resolveOutlierOptions({ baseEjection: 600_000 })).toMatchObject({
      maxEjection: 600_000,
    });
  });

  const bad: [unknown, ErrorConstructor, string][] = [
    [
      { consecutiveFailures: 0 },
      RangeError,
      "outlier.consecutiveFailures must be an integer >= 1, got 0",
    ],
    [
      { successRate: { stdevFactor: 0 } },
      RangeError,
      "outlier.successRate.stdevFactor must be a number > 0, got 0",
    ],
    [
      { successRate: { minHosts: 0 } },
      RangeError,
      "outlier.successRate.minHosts must be an integer >= 1, got 0",
    ],
    [
      { successRate: { minRequests: 1.5 } },
      RangeError,
      "outlier.successRate.minRequests must be an integer >= 1, got 1.5",
    ],
    [
      { successRate: { k: 2 } },
      TypeError,
      "outlier.successRate.k is not an option; expected one of stdevFactor, minHosts, minRequests",
    ],
    [
      { failurePercentage: { threshold: 85 } },
      RangeError,
      "outlier.failurePercentage.threshold must be a number in (0, 1], got 85",
    ],
    [
      { failurePercentage: "yes" },
      TypeError,
      'outlier.failurePercentage must be an object or false, got "yes"',
    ],
    [{ interval: 0 }, RangeError, "outlier.interval must be a number > 0, got 0"],
    [{ baseEjection: "30s" }, TypeError, 'outlier.baseEjection must be a number > 0, got "30s"'],
    [
      { baseEjection: 1_000, maxEjection: 999 },
      RangeError,
      "outlier.maxEjection must be a number >= 1000, got 999",
    ],
    [
      { maxEjectionPercent: 101 },
      RangeError,
      "outlier.maxEjectionPercent must be a number in [0, 100], got 101",
    ],
    [{ ejectAfter: 3 }, TypeError, "outlier.ejectAfter is not an option"],
    [7, TypeError, "outlier must be an object, got 7"],
  ];

  it.each(bad)("rejects %j", (options, type, message) => {
    const run = () => resolveOutlierOptions(options as OutlierOptions);
    expect(run).toThrow(type);
    expect(run).toThrow(message);
  });

  it("accepts a fractional percentage", () => {
    expect(resolveOutlierOptions({ maxEjectionPercent: 0.5 })).toMatchObject({
      maxEjectionPercent: 0.5,
    });
  });
});
