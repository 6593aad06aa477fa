import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { HubVerdict } from "../../../src/protocol";
import {
  newAvailability,
  summarizeAvailability,
  transitionAvailability,
} from "../../../worker/model/availability";

function replay(steps: [HubVerdict, number][]) {
  let a = newAvailability(0);
  for (const [verdict, at] of steps) a = transitionAvailability(a, verdict, at);
  return a;
}

describe("availability", () => {
  it("knows nothing before a verdict", () => {
    expect(summarizeAvailability(newAvailability(0), 1_000)).toEqual({
      availability: null,
      mtbfMs: null,
      mttrMs: null,
      failures: 0,
      recoveries: 0,
      upMs: 0,
      downMs: 0,
    });
  });

  it("computes availability, MTBF and MTTR from up and down periods", () => {
    // up 0–900, down 900–1000, up 1000–1900, down 1900–2000 (ongoing at 2000)
    const a = replay([
      ["up", 0],
      ["down", 900],
      ["up", 1_000],
      ["down", 1_900],
    ]);
    expect(summarizeAvailability(a, 2_000)).toEqual({
      availability: 0.9,
      mtbfMs: 900,
      mttrMs: 100,
      failures: 2,
      recoveries: 1,
      upMs: 1_800,
      downMs: 200,
    });
  });

  it("counts degraded as up and unknown as neither", () => {
    const a = replay([
      ["degraded", 0],
      ["unknown", 100],
      ["down", 600],
    ]);
    expect(summarizeAvailability(a, 700)).toMatchObject({
      upMs: 100,
      downMs: 100,
      availability: 0.5,
      failures: 1,
    });
  });

  it("treats an outage through unknown as one outage and its MTTR spans only the down time", () => {
    const a = replay([
      ["up", 0],
      ["down", 100],
      ["unknown", 200],
      ["down", 500],
      ["up", 600],
    ]);
    expect(summarizeAvailability(a, 600)).toMatchObject({
      failures: 1,
      recoveries: 1,
      mttrMs: 200,
    });
  });

  it("does not count an upstream that was down when first seen as a failure", () => {
    const a = replay([
      ["down", 0],
      ["up", 100],
    ]);
    expect(summarizeAvailability(a, 200)).toMatchObject({
      failures: 0,
      recoveries: 0,
      downMs: 100,
      upMs: 100,
      mtbfMs: null,
    });
  });

  it("keeps its totals consistent for any sequence of transitions", () => {
    const verdict = fc.constantFrom<HubVerdict>("up", "down", "degraded", "unknown");
    fc.assert(
      fc.property(
        fc.array(fc.tuple(verdict, fc.integer({ min: 0, max: 1_000 })), { maxLength: 40 }),
        (steps) => {
          let at = 0;
          const timed = steps.map(([v, gap]): [HubVerdict, number] => {
            at += gap;
            return [v, at];
          });
          const s = summarizeAvailability(replay(timed), at + 10);
          expect(s.failures - s.recoveries).toBeGreaterThanOrEqual(0);
          expect(s.failures - s.recoveries).toBeLessThanOrEqual(1);
          expect(s.upMs + s.downMs).toBeLessThanOrEqual(at + 10);
          if (s.availability !== null) {
            expect(s.availability).toBeGreaterThanOrEqual(0);
            expect(s.availability).toBeLessThanOrEqual(1);
          }
          if (s.mttrMs !== null)
            expect(s.mttrMs * s.recoveries).toBeLessThanOrEqual(s.downMs + 1e-9);
        },
      ),
    );
  });
});
