import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { resolveBreakerOptions } from "./breaker-options";
import { CircuitBreaker } from "./circuit-breaker";
import { type Permit, PROBE, permitKind, REJECT } from "./permit";

const step = fc.record({
  dt: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 500, max: 9_000 })),
  op: fc.constantFrom("admit", "admit", "finish", "finish", "isolate", "reset"),
  pick: fc.nat(),
  outcome: fc.constantFrom("success", "failure", "failure", "ignore"),
});

const config = fc.record({
  halfOpenProbes: fc.integer({ min: 1, max: 4 }),
  consecutiveFailures: fc.integer({ min: 1, max: 4 }),
  jitter: fc.double({ min: 0, max: 0.9, noNaN: true }),
  draw: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
});

describe("CircuitBreaker properties", () => {
  it("never has more probes in flight than halfOpenProbes, and never admits while open early", () => {
    fc.assert(
      fc.property(config, fc.array(step, { maxLength: 200, size: "large" }), (c, steps) => {
        const options = resolveBreakerOptions({
          consecutiveFailures: c.consecutiveFailures,
          failureRate: { threshold: 0.5, window: 6, minCalls: 3 },
          halfOpenProbes: c.halfOpenProbes,
          probeTimeout: 1e12,
          openFor: { initial: 1_000, max: 8_000, jitter: c.jitter },
        });
        if (!options) throw new Error("unreachable");
        // Permits of one round share a value, so the harness tracks calls by identity.
        type Call = { permit: Permit };
        let liveProbes: Call[] = [];
        const breaker = new CircuitBreaker(
          options,
          () => c.draw,
          (from, to, _reason, now) => {
            if (from.kind === "open" && to.kind === "half-open") {
              expect(now).toBeGreaterThanOrEqual(from.until);
            }
            liveProbes = []; // probes of an earlier round no longer count
          },
        );
        let outstanding: Call[] = [];
        let now = 0;
        for (const s of steps) {
          now += s.dt;
          const before = breaker.state;
          if (s.op === "admit") {
            const permit = breaker.admit(now);
            if (before.kind === "open" && now < before.until) expect(permit).toBe(REJECT);
            if (before.kind === "isolated") expect(permit).toBe(REJECT);
            const call = { permit };
            if (permit !== REJECT) outstanding.push(call);
            if (permitKind(permit) === PROBE) liveProbes.push(call);
          } else if (s.op === "finish" && outstanding.length > 0) {
            const call = outstanding[s.pick % outstanding.length]!;
            outstanding = outstanding.filter((c) => c !== call);
            liveProbes = liveProbes.filter((c) => c !== call);
            breaker.record(call.permit, s.outcome as "success" | "failure" | "ignore", 5, now);
          } else if (s.op === "isolate" && s.pick % 10 === 0) {
            breaker.isolate(now);
          } else if (s.op === "reset" && s.pick % 10 === 0) {
            breaker.reset(now);
          }
          const state = breaker.state;
          if (state.kind === "half-open") {
            expect(state.probesInFlight).toBeLessThanOrEqual(c.halfOpenProbes);
            expect(state.probesInFlight).toBe(liveProbes.length);
          }
          if (state.kind === "open") {
            expect(breaker.peek(state.until - 1e-6)).toBe(false);
            const twin = new CircuitBreaker(options, () => c.draw);
            twin.restore(breaker.snapshot(), now);
            expect(twin.admit(state.until - 1e-6)).toBe(REJECT);
            expect(twin.admit(state.until)).not.toBe(REJECT);
            expect(state.until - state.since).toBeGreaterThan(0);
            expect(state.until - state.since).toBeLessThanOrEqual(8_000);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
