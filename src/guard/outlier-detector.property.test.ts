import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OutlierDetector } from "./outlier-detector";
import { resolveOutlierOptions } from "./outlier-options";

const step = fc.record({
  dt: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1_000, max: 40_000 })),
  op: fc.constantFrom("record", "record", "record", "evaluate", "add", "to-end", "to-just-before"),
  host: fc.nat(),
  outcome: fc.constantFrom("success", "failure", "failure", "ignore"),
});

const config = fc.record({
  hosts: fc.integer({ min: 1, max: 10 }),
  percent: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 100 })),
  consecutiveFailures: fc.integer({ min: 1, max: 4 }),
  failurePercentage: fc.boolean(),
});

describe("OutlierDetector properties", () => {
  it("keeps ejections under the cap and reports each exactly until its time", () => {
    fc.assert(
      fc.property(config, fc.array(step, { maxLength: 200, size: "large" }), (c, steps) => {
        const options = resolveOutlierOptions({
          consecutiveFailures: c.consecutiveFailures,
          successRate: { minHosts: 2, minRequests: 3 },
          failurePercentage: c.failurePercentage && { threshold: 0.5, minHosts: 1, minRequests: 3 },
          interval: 5_000,
          baseEjection: 10_000,
          maxEjection: 35_000,
          maxEjectionPercent: c.percent,
        });
        if (!options) throw new Error("unreachable");
        const until = new Map<string, number>();
        let now = 0;
        const detector = new OutlierDetector<string>(options, {
          onEject: (host, _reason, end, at) => {
            expect(until.has(host)).toBe(false);
            expect(end).toBeGreaterThan(at);
            until.set(host, end);
          },
          onReadmit: (host, at) => {
            expect(at).toBeGreaterThanOrEqual(until.get(host)!);
            until.delete(host);
          },
        });
        const ids: number[] = [];
        for (let i = 0; i < c.hosts; i++) ids.push(detector.add(`h${i}`));
        for (const s of steps) {
          now += s.dt;
          // Land exactly on (or just before) the next ejection end to test the boundary.
          const next = Math.min(...[...until.values()].filter((end) => end > now));
          if (s.op === "to-end" && next < Infinity) now = next;
          if (s.op === "to-just-before" && next < Infinity) now = Math.max(now, next - 1);
          if (s.op === "record" || s.op.startsWith("to-")) {
            const outcome = s.outcome as "success" | "failure" | "ignore";
            detector.record(ids[s.host % ids.length]!, outcome, now);
          } else if (s.op === "evaluate") {
            detector.evaluate(now);
          } else if (ids.length < 12) {
            ids.push(detector.add(`h${ids.length}`));
          }
          const n = ids.length;
          const cap = n < 2 || c.percent === 0 ? 0 : Math.max(1, Math.floor((n * c.percent) / 100));
          let ejected = 0;
          for (const [i, id] of ids.entries()) {
            const end = until.get(`h${i}`);
            const expected = end !== undefined && now < end;
            if (expected) ejected++;
            // Plain checks in the hot loop: `expect` per host and step is too slow here.
            if (detector.isEjected(id, now) !== expected) {
              expect.fail(`host ${id} at ${now}: expected ejected=${expected} (until ${end})`);
            }
          }
          if (ejected > cap) {
            expect.fail(`${ejected} ejected of ${n} at ${now}, cap ${cap}`);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
