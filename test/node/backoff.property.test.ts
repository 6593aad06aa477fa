import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backoffDelay } from "../../src/index";
import { resolveRetryOptions } from "../../src/retry/retry-options";

/** Any backoff a user may configure, resolved as the client resolves it. */
const backoff = fc
  .record(
    {
      initial: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e7, noNaN: true })),
      extra: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e9, noNaN: true })),
      multiplier: fc.oneof(
        fc.constantFrom(1, 2, 100),
        fc.double({ min: 1, max: 100, noNaN: true }),
      ),
      jitter: fc.constantFrom("full", "equal", "decorrelated", "none" as const),
    },
    { requiredKeys: ["jitter"] },
  )
  .map(({ initial, extra, ...rest }) => {
    const max = initial === undefined || extra === undefined ? undefined : initial + extra;
    return resolveRetryOptions({ backoff: { initial, max, ...rest } }).backoff;
  });

/** What an injected `random()` may return, the careless values included. */
const draw = fc.oneof(
  fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  fc.constantFrom(0, 1, 1.5, -0.5, Number.NaN, Number.POSITIVE_INFINITY),
);

describe("backoffDelay (properties)", () => {
  it("is finite and within [0, max] at attempt 10,000 (and around it), for any resolved backoff", () => {
    fc.assert(
      fc.property(
        backoff,
        fc.constantFrom(9_999, 10_000, 10_001, 2 ** 31, Number.MAX_SAFE_INTEGER),
        fc.oneof(fc.double({ min: 0, max: 1e12, noNaN: true }), fc.constant(Number.MAX_VALUE)),
        draw,
        (b, attempt, previous, r) => {
          const delay = backoffDelay(b, attempt, previous, () => r);
          expect(Number.isFinite(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(b.max);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("without jitter, never shrinks from one attempt to the next, and is at its cap at 10,000 once initial × multiplier^9999 passes it", () => {
    fc.assert(
      fc.property(backoff, fc.integer({ min: 1, max: 9_999 }), (b, attempt) => {
        const none = { ...b, jitter: "none" as const };
        const at = (n: number) => backoffDelay(none, n, 0, () => 0.5);
        expect(at(attempt + 1)).toBeGreaterThanOrEqual(at(attempt));
        // Compared in log space, where nothing overflows.
        const passes =
          b.initial > 0 && 9_999 * Math.log(b.multiplier) > Math.log(b.max / b.initial) + 1e-9;
        if (passes) expect(at(10_000)).toBe(b.max);
      }),
      { numRuns: 1_000 },
    );
  });

  it("keeps growing past attempt 1,000 when the multiplier is small (it once stopped there)", () => {
    const b = { initial: 50, max: 1_000, multiplier: 1.001, jitter: "none" as const };
    // 50 × 1.001^1000 ≈ 136, 50 × 1.001^3000 ≈ 1004: capped at 1,000 by attempt 3,001.
    expect(backoffDelay(b, 1_001, 0, () => 0.5)).toBeCloseTo(135.85, 1);
    expect(backoffDelay(b, 2_001, 0, () => 0.5)).toBeCloseTo(369.08, 1);
    expect(backoffDelay(b, 10_000, 0, () => 0.5)).toBe(1_000);
  });

  it("with full jitter, spans [0, cap) at attempt 10,000: the lowest draw waits 0, the highest just under max", () => {
    fc.assert(
      fc.property(backoff, (b) => {
        fc.pre(b.initial > 0 && b.multiplier >= 2);
        const full = { ...b, jitter: "full" as const };
        expect(backoffDelay(full, 10_000, 0, () => 0)).toBe(0);
        expect(backoffDelay(full, 10_000, 0, () => 0.999_999)).toBeCloseTo(b.max * 0.999_999, 6);
      }),
    );
  });
});
