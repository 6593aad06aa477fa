import { describe, expect, it } from "vitest";
import { resolveHedgeOptions } from "./hedge-options";

describe("resolveHedgeOptions", () => {
  it("is off unless configured", () => {
    expect(resolveHedgeOptions(undefined)).toBe(false);
    expect(resolveHedgeOptions(false)).toBe(false);
  });

  it("fills in the defaults for {}", () => {
    expect(resolveHedgeOptions({})).toEqual({
      fixedDelay: undefined,
      delay: { percentile: 0.98, min: 5, max: 1_000, minSamples: 20 },
      max: 1,
      budget: { ratio: 0.05, minPerSecond: 0, window: 10_000 },
    });
  });

  it("reads a number as a fixed delay in ms", () => {
    expect(resolveHedgeOptions(20)).toMatchObject({ fixedDelay: 20, max: 1 });
    expect(resolveHedgeOptions({ delay: 0 })).toMatchObject({ fixedDelay: 0 });
  });

  it("reads a number budget as the ratio and false as no budget", () => {
    expect(resolveHedgeOptions({ budget: 0.1 })).toMatchObject({
      budget: { ratio: 0.1, minPerSecond: 0, window: 10_000 },
    });
    expect(resolveHedgeOptions({ budget: false })).toMatchObject({ budget: false });
  });

  it("raises the default max delay to the min delay", () => {
    expect(resolveHedgeOptions({ delay: { min: 2_000 } })).toMatchObject({
      delay: { min: 2_000, max: 2_000 },
    });
  });

  it("names the option and the accepted range in errors", () => {
    expect(() => resolveHedgeOptions({ delay: { percentile: 1 } })).toThrow(
      new RangeError("hedge.delay.percentile must be a number in (0, 0.9999], got 1"),
    );
    expect(() => resolveHedgeOptions({ delay: { min: 50, max: 10 } })).toThrow(
      /hedge\.delay\.max must be a number in \[50, 600000\], got 10/,
    );
    expect(() => resolveHedgeOptions({ max: 0 })).toThrow(
      /hedge\.max must be an integer in \[1, 10\]/,
    );
    expect(() => resolveHedgeOptions({ max: 1.5 })).toThrow(RangeError);
    expect(() => resolveHedgeOptions(-1)).toThrow(/hedge\.delay must be a number in \[0, 600000\]/);
    expect(() => resolveHedgeOptions({ budget: 0 })).toThrow(
      /hedge\.budget\.ratio must be a number in \(0, 10\], got 0/,
    );
    expect(() => resolveHedgeOptions({ budget: { window: 10 } })).toThrow(
      /hedge\.budget\.window must be a number in \[1000, 3600000\]/,
    );
    expect(() => resolveHedgeOptions({ delay: "fast" as never })).toThrow(
      new TypeError('hedge.delay must be an object, got "fast"'),
    );
    expect(() => resolveHedgeOptions(true as never)).toThrow(TypeError);
  });

  it("rejects misspelt keys instead of ignoring them", () => {
    expect(() => resolveHedgeOptions({ delays: 10 } as never)).toThrow(
      /hedge\.delays is not an option/,
    );
    expect(() => resolveHedgeOptions({ delay: { p: 0.9 } as never })).toThrow(
      /hedge\.delay\.p is not an option/,
    );
  });
});
