import { afterAll, describe, expect, inject, it } from "vitest";
import { type ChaosReport, chaosRun } from "./chaos-run";
import type { ChaosMode } from "./chaos-server";
import { formatReports } from "./report-table";

/** Heap the open client may gain over a run's calls: far above any steady state, so it cannot flake, yet a leak of ≥ 4 KB a call over 10,000 calls fails it. */
const LIVE_HEAP_BOUND = 40 * 2 ** 20;

/**
 * One test per fault mode: CHAOS_RUNS seeded calls (`npm test`: 300; `npm run test:chaos`:
 * 10,000) through the full client against chaos servers, every invariant checked (see
 * `chaosRun`), and the table of all modes printed at the end. CHAOS_SEED replays a run.
 *
 * @example
 * ```ts
 * describeChaos("connections that break", ["refused", "reset-mid-body"]);
 * ```
 */
export function describeChaos(title: string, modes: readonly ChaosMode[]): void {
  const { runs, seed } = inject("chaos");
  const reports: ChaosReport[] = [];
  describe(`client chaos, ${title} (${runs} calls per mode, seed ${seed})`, () => {
    afterAll(() => {
      console.log(
        `client chaos, ${title} (replay: CHAOS_SEED=${seed} CHAOS_RUNS=${runs})\n${formatReports(reports)}`,
      );
    });

    for (const mode of modes) {
      it(
        `${mode}: every call settles in time with a response or a typed error, and nothing leaks`,
        async () => {
          const report = await chaosRun(mode, runs, seed);
          reports.push(report);
          expect(report.problems).toEqual([]);
          expect(report.tally.calls).toBe(runs);
          expect(report.heap.live).toBeLessThan(LIVE_HEAP_BOUND);
        },
        // Generous for a loaded machine: 10,000 calls of a hang mode took about 2 minutes.
        30_000 + runs * 40,
      );
    }
  });
}
