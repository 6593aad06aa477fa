import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AvailabilityTracker } from "./availability-tracker";

describe("AvailabilityTracker", () => {
  it("reports a perfect record before the first failure, with MTBF and MTTR unknown", () => {
    const t = new AvailabilityTracker(1_000);
    expect(t.figures(1_000)).toEqual({
      state: "up",
      since: 1_000,
      trackingSince: 1_000,
      failures: 0,
      mtbf: null,
      mttr: null,
      availability: 1,
      uptimeRatio: 1,
      reason: null,
    });
    expect(t.figures(50_000)).toMatchObject({ availability: 1, uptimeRatio: 1, mtbf: null });
  });

  it("falls back to the observed ratio during the first outage", () => {
    const t = new AvailabilityTracker(0);
    expect(t.markDown(900, "breaker opened")).toBe(true);
    expect(t.figures(1_000)).toMatchObject({
      state: "down",
      since: 900,
      failures: 1,
      mtbf: 900,
      mttr: null,
      availability: 0.9,
      uptimeRatio: 0.9,
      reason: "breaker opened",
    });
  });

  it("computes MTBF, MTTR and availability over full cycles", () => {
    const t = new AvailabilityTracker(0);
    t.markDown(1_000, "a"); // up 1_000
    t.markUp(1_100); // down 100
    t.markDown(3_100, "b"); // up 2_000
    t.markUp(3_400); // down 300
    const f = t.figures(3_400);
    expect(f.failures).toBe(2);
    expect(f.mtbf).toBe(1_500);
    expect(f.mttr).toBe(200);
    expect(f.availability).toBeCloseTo(1_500 / 1_700);
    expect(f.uptimeRatio).toBeCloseTo(3_000 / 3_400);
    expect(f.reason).toBe("b");
    // MTBF keeps growing through a healthy stretch; the observed ratio follows.
    expect(t.figures(13_400).mtbf).toBe(6_500);
    expect(t.figures(13_400).uptimeRatio).toBeCloseTo(13_000 / 13_400);
  });

  it("keeps the MTTR estimate steady while the observed ratio dips in an outage", () => {
    const t = new AvailabilityTracker(0);
    t.markDown(1_000, "a");
    t.markUp(1_100);
    t.markDown(2_000, "b");
    const during = t.figures(5_000);
    expect(during.mttr).toBe(100);
    expect(during.uptimeRatio).toBeCloseTo(1_900 / 5_000);
    expect(during.availability).toBeCloseTo(950 / 1_050);
  });

  it("ignores repeated marks in the same direction", () => {
    const t = new AvailabilityTracker(0);
    expect(t.markUp(10)).toBe(false);
    t.markDown(100, "first");
    expect(t.markDown(200, "second")).toBe(false);
    expect(t.figures(300)).toMatchObject({ failures: 1, since: 100, reason: "first" });
  });

  it("treats time running backwards as no time", () => {
    const t = new AvailabilityTracker(1_000);
    t.markDown(500, "clock stepped back");
    t.markUp(400);
    expect(t.figures(0)).toMatchObject({ mtbf: 0, mttr: 0, availability: 1, uptimeRatio: 1 });
  });

  it("rejects a non-finite start", () => {
    expect(() => new AvailabilityTracker(Number.NaN)).toThrow(RangeError);
  });

  it("keeps every figure finite and availability within [0, 1]", () => {
    const mark = fc.record({
      dt: fc.oneof(
        fc.integer({ min: -1_000, max: 1_000 }),
        fc.constant(0),
        fc.double({ min: -1e9, max: 1e9, noNaN: true }),
      ),
      down: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(mark, { maxLength: 60 }), (marks) => {
        const t = new AvailabilityTracker(1e12);
        let now = 1e12;
        for (const m of marks) {
          now += m.dt;
          if (m.down) t.markDown(now, "x");
          else t.markUp(now);
          for (const at of [now, now + m.dt, Number.NaN, Number.POSITIVE_INFINITY]) {
            const f = t.figures(at);
            for (const v of [f.availability, f.uptimeRatio]) {
              if (!(v >= 0 && v <= 1)) expect.fail(`figure out of range: ${v}`);
            }
            for (const v of [f.mtbf, f.mttr]) {
              if (v !== null && !(v >= 0 && Number.isFinite(v))) expect.fail(`bad duration ${v}`);
            }
          }
        }
      }),
    );
  });
});
