import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backoffDelay, parseRetryAfter, RetryBudget } from "../../src/index";

const jitters = ["full", "equal", "decorrelated", "none"] as const;

describe("backoffDelay", () => {
  it("is a finite number in [0, max] for any retry count, jitter and random value", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...jitters),
        fc.double({ min: 0, max: 10_000, noNaN: true }),
        fc.double({ min: 0, max: 100_000, noNaN: true }),
        fc.double({ min: 1, max: 100, noNaN: true }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.double({ min: 0, max: 1e9, noNaN: true }),
        fc.oneof(fc.double({ min: 0, max: 0.9999999 }), fc.constant(Number.NaN), fc.constant(-1)),
        (jitter, initial, extra, multiplier, retry, previous, r) => {
          const max = initial + extra;
          const delay = backoffDelay(
            { initial, max, multiplier, jitter },
            retry,
            previous,
            () => r,
          );
          return Number.isFinite(delay) && delay >= 0 && delay <= max;
        },
      ),
    );
  });

  it("grows exponentially without jitter and stops at max", () => {
    const b = { initial: 50, max: 1_000, multiplier: 2, jitter: "none" as const };
    expect([1, 2, 3, 4, 5, 6, 10_000].map((n) => backoffDelay(b, n, 0, () => 0.5))).toEqual([
      50, 100, 200, 400, 800, 1_000, 1_000,
    ]);
  });

  it("full jitter spans [0, exp], equal jitter [exp/2, exp]", () => {
    const full = { initial: 100, max: 10_000, multiplier: 2, jitter: "full" as const };
    const equal = { ...full, jitter: "equal" as const };
    expect(backoffDelay(full, 3, 0, () => 0)).toBe(0);
    expect(backoffDelay(full, 3, 0, () => 0.999)).toBeCloseTo(399.6);
    expect(backoffDelay(equal, 3, 0, () => 0)).toBe(200);
    expect(backoffDelay(equal, 3, 0, () => 0.999)).toBeCloseTo(399.8);
  });

  it("decorrelated jitter stays within [initial, 3 × previous], capped", () => {
    const b = { initial: 10, max: 1_000, multiplier: 2, jitter: "decorrelated" as const };
    expect(backoffDelay(b, 5, 100, () => 0)).toBe(10);
    expect(backoffDelay(b, 5, 100, () => 0.9999)).toBeCloseTo(299.97);
    expect(backoffDelay(b, 5, 900, () => 0.9999)).toBeLessThanOrEqual(1_000);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-11-26T12:00:00Z");
  it("reads delay-seconds", () => {
    expect(parseRetryAfter("3", now)).toBe(3_000);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
  });
  it("reads an HTTP-date relative to now, never negative", () => {
    expect(parseRetryAfter("Thu, 26 Nov 2026 12:00:02 GMT", now)).toBe(2_000);
    expect(parseRetryAfter("Thu, 26 Nov 2026 11:00:00 GMT", now)).toBe(0);
  });
  it("ignores absent and invalid values", () => {
    for (const value of [null, "", "-1", "1.5", "soon"])
      expect(parseRetryAfter(value, now)).toBe(undefined);
  });
});

describe("RetryBudget", () => {
  it("allows ratio × calls plus the per-second floor over the window", () => {
    const budget = new RetryBudget(0.2, 1, 10_000);
    for (let i = 0; i < 100; i++) budget.deposit(0);
    let retries = 0;
    while (budget.tryWithdraw(0)) retries++;
    expect(retries).toBe(30); // 100 × 0.2 + 1/s × 10 s
  });

  it("forgets calls and retries older than the window", () => {
    const budget = new RetryBudget(0.5, 0, 10_000);
    for (let i = 0; i < 10; i++) budget.deposit(0);
    expect(budget.available(0)).toBe(5);
    expect(budget.available(5_000)).toBe(5);
    expect(budget.available(10_500)).toBe(0);
    for (let i = 0; i < 4; i++) budget.deposit(11_000);
    expect(budget.tryWithdraw(11_000)).toBe(true);
    expect(budget.tryWithdraw(11_000)).toBe(true);
    expect(budget.tryWithdraw(11_000)).toBe(false);
  });

  it("never lets retries exceed the ratio plus the floor, whatever the call pattern", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2_000 }), fc.boolean()), { maxLength: 400 }),
        (steps) => {
          const budget = new RetryBudget(0.1, 2, 10_000);
          let now = 0;
          const log: Array<[number, "call" | "retry"]> = [];
          for (const [gap, isRetry] of steps) {
            now += gap;
            if (!isRetry) {
              budget.deposit(now);
              log.push([now, "call"]);
            } else if (budget.tryWithdraw(now)) {
              log.push([now, "retry"]);
            }
            // Within any window ending now, retries ≤ 0.1 × calls + 2/s × 10 s (+1 bucket of slack).
            const recent = log.filter(([t]) => t > now - 11_000);
            const calls = recent.filter(([, k]) => k === "call").length;
            const retries = recent.length - calls;
            if (retries > 0.1 * calls + 20 + 1) return false;
          }
          return true;
        },
      ),
    );
  });
});
