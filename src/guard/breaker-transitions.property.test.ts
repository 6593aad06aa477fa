import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { resolveBreakerOptions } from "./breaker-options";
import type { BreakerState } from "./breaker-state";
import { CircuitBreaker } from "./circuit-breaker";
import { type Permit, PROBE, permitKind, REJECT } from "./permit";

type Outcome = "success" | "failure" | "ignore";

/** The only moves the state machine may make, each with the reasons it may give. */
const EDGES: Record<string, (reason: string) => boolean> = {
  "closed>open": (r) => r === "consecutive-failures",
  "open>half-open": (r) => r === "open-elapsed",
  "half-open>open": (r) => r === "probe-failed",
  "half-open>closed": (r) => r === "probes-succeeded" || r === "reset",
  "open>closed": (r) => r === "reset",
  "isolated>closed": (r) => r === "reset",
  "closed>isolated": (r) => r === "isolated",
  "open>isolated": (r) => r === "isolated",
  "half-open>isolated": (r) => r === "isolated",
};

function breakerWith(consecutiveFailures: number, halfOpenProbes: number, log?: string[]) {
  const options = resolveBreakerOptions({
    consecutiveFailures,
    failureRate: false,
    halfOpenProbes,
    probeTimeout: 1e12,
    openFor: { initial: 1_000, max: 8_000, jitter: 0 },
  });
  if (!options) throw new Error("unreachable");
  return new CircuitBreaker(
    options,
    () => 0.5,
    (from: BreakerState, to: BreakerState, reason) => {
      log?.push(`${from.kind}>${to.kind}:${reason}`);
    },
  );
}

describe("CircuitBreaker state machine (properties)", () => {
  it("opens on exactly the k-th consecutive failure; a success resets the streak, an ignored call does not count", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.constantFrom<Outcome>("success", "failure", "failure", "ignore"), {
          maxLength: 60,
        }),
        (k, outcomes) => {
          const breaker = breakerWith(k, 1);
          let streak = 0;
          for (const [i, outcome] of outcomes.entries()) {
            const permit = breaker.admit(i);
            expect(permit).not.toBe(REJECT);
            breaker.record(permit, outcome, 5, i);
            if (outcome === "failure") streak++;
            else if (outcome === "success") streak = 0;
            if (streak === k) {
              expect(breaker.state).toMatchObject({ kind: "open", since: i, until: i + 1_000 });
              return;
            }
            expect(breaker.state.kind).toBe("closed");
          }
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it("moves only along its edges, and closes from half-open only after halfOpenProbes successful probes of one round", () => {
    const step = fc.record({
      dt: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 900, max: 9_000 })),
      op: fc.constantFrom("admit", "admit", "finish", "finish", "release", "isolate", "reset"),
      pick: fc.nat(),
      outcome: fc.constantFrom<Outcome>("success", "failure", "failure", "ignore"),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(step, { maxLength: 150 }),
        (k, probes, steps) => {
          const log: string[] = [];
          const breaker = breakerWith(k, probes, log);
          let outstanding: { permit: Permit; round: number }[] = [];
          let round = 0; // a half-open stretch
          let roundSuccesses = 0;
          let now = 0;
          for (const s of steps) {
            now += s.dt;
            const before = breaker.state.kind;
            const seen = log.length;
            if (s.op === "admit") {
              const permit = breaker.admit(now);
              if (breaker.state.kind === "half-open" && before !== "half-open") {
                round++;
                roundSuccesses = 0;
              }
              if (permit !== REJECT) outstanding.push({ permit, round });
            } else if ((s.op === "finish" || s.op === "release") && outstanding.length > 0) {
              const call = outstanding[s.pick % outstanding.length]!;
              outstanding = outstanding.filter((c) => c !== call);
              if (s.op === "release") breaker.release(call.permit);
              else {
                const probe = permitKind(call.permit) === PROBE;
                const counts = probe && call.round === round && before === "half-open";
                if (counts && s.outcome === "success") roundSuccesses++;
                breaker.record(call.permit, s.outcome, 5, now);
                const after: string = breaker.state.kind;
                if (before === "half-open" && after === "closed") {
                  expect(roundSuccesses).toBe(probes);
                }
              }
            } else if (s.op === "isolate" && s.pick % 8 === 0) {
              breaker.isolate(now);
            } else if (s.op === "reset" && s.pick % 8 === 0) {
              breaker.reset(now);
            }
            for (const entry of log.slice(seen)) {
              const [edge, reason] = entry.split(":") as [string, string];
              expect(EDGES[edge]?.(reason), entry).toBe(true);
            }
            // At most one move per step, and only from the state it was in.
            expect(log.length - seen).toBeLessThanOrEqual(1);
            if (log.length > seen) expect(log[seen]!.startsWith(`${before}>`)).toBe(true);
          }
        },
      ),
      { numRuns: 1_000 },
    );
  });
});
