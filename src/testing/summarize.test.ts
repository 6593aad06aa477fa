import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { summarize } from "./summarize";

describe("summarize", () => {
  it("gives exact nearest-rank percentiles", () => {
    const values = Array.from({ length: 1_000 }, (_, i) => 1_000 - i);
    expect(summarize(values)).toEqual({
      count: 1_000,
      failed: 0,
      min: 1,
      p50: 500,
      p90: 900,
      p99: 990,
      p999: 999,
      max: 1_000,
      mean: 500.5,
    });
  });

  it("leaves NaN (failed calls) out and counts them", () => {
    const summary = summarize(Float64Array.of(Number.NaN, 3, Number.NaN, 1, 2));
    expect(summary).toMatchObject({ count: 3, failed: 2, min: 1, p50: 2, max: 3, mean: 2 });
  });

  it("gives NaN statistics when nothing is left", () => {
    const summary = summarize([Number.NaN]);
    expect(summary.count).toBe(0);
    expect(summary.failed).toBe(1);
    expect(summary.p50).toBeNaN();
    expect(summary.mean).toBeNaN();
    expect(summarize([]).max).toBeNaN();
  });

  it("agrees with sorting: at least p of the values are at or below pX, and fewer below it", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 300 }),
        (values) => {
          const summary = summarize(values);
          const n = values.length;
          for (const [p, value] of [
            [0.5, summary.p50],
            [0.9, summary.p90],
            [0.99, summary.p99],
            [0.999, summary.p999],
          ] as const) {
            expect(values.filter((v) => v <= value).length).toBeGreaterThanOrEqual(p * n);
            expect(values.filter((v) => v < value).length).toBeLessThan(p * n);
          }
          expect(summary.max).toBe(Math.max(...values));
          expect(summary.min).toBe(Math.min(...values));
        },
      ),
    );
  });
});
