import { afterAll, describe, expect, inject, it } from "vitest";
import { type ChaosReport, chaosRun } from "./chaos-run";
import type { ChaosMode } from "./chaos-server";
import { RunWatch } from "./process-watch";
import { formatReports } from "./report-table";

/**
 * Heap the open client may gain over a run's calls: far above any steady state, so it
 * cannot flake, yet a leak of ≥ 4 KB a call over 10,000 calls fails it.
 */
const LIVE_HEAP_BOUND = 40 * 2 ** 20;

/** Up to this many calls per mode, the modes run side by side (the short run in `npm test`). */
export const SIDE_BY_SIDE_UP_TO = 1_000;

/**
 * Starts the runs together and waits for all of them; the process-wide checks (handles back,
 * no unhandled rejection) cover them together. Problems are prefixed with their run's mode.
 *
 * @example
 * ```ts
 * const { reports, problems } = await sideBySide(modes.map((m) => () => chaosRun(m, 200, 1, { alone: false })));
 * ```
 */
export async function sideBySide<R extends { mode: string; problems: string[] }>(
  runs: ReadonlyArray<() => Promise<R>>,
): Promise<{ reports: R[]; problems: string[] }> {
  const watch = new RunWatch();
  const reports = await Promise.all(runs.map((run) => run()));
  const problems = reports.flatMap((r) => r.problems.map((problem) => `${r.mode}: ${problem}`));
  await watch.end(problems);
  return { reports, problems };
}

/**
 * CHAOS_RUNS seeded calls per fault mode (`npm test`: 200; `npm run test:chaos`: 10,000)
 * through the full client against chaos servers, every invariant checked (see `chaosRun`),
 * and the table of all modes printed at the end. CHAOS_SEED replays a run.
 *
 * A long run has one test per mode, alone in the process, with its heap measured. A short
 * one runs every mode at once, so that `npm test` waits for the slowest mode's deadlines
 * only once; the process-wide checks (handles, unhandled rejections) then cover them together.
 *
 * @example
 * ```ts
 * describeChaos("connections that break", ["refused", "reset-mid-body"]);
 * ```
 */
export function describeChaos(title: string, modes: readonly ChaosMode[]): void {
  const { runs, seed } = inject("chaos");
  const reports: ChaosReport[] = [];
  // Generous for a loaded machine: 10,000 calls of a hang mode took about 3 minutes.
  const timeout = 30_000 + runs * 40;
  describe(`client chaos, ${title} (${runs} calls per mode, seed ${seed})`, () => {
    afterAll(() => {
      const replay = `CHAOS_SEED=${seed} CHAOS_RUNS=${runs}`;
      console.log(`client chaos, ${title} (replay: ${replay})\n${formatReports(reports)}`);
    });

    if (runs <= SIDE_BY_SIDE_UP_TO) {
      it(
        `${modes.join(", ")}, side by side: every call settles in time with a response or a typed error, and nothing leaks`,
        async () => {
          const group = await sideBySide(
            modes.map(
              (mode) => () => chaosRun(mode, runs, seed, { alone: false, concurrency: 32 }),
            ),
          );
          reports.push(...group.reports);
          expect(group.problems).toEqual([]);
          expect(reports.map((r) => r.tally.calls)).toEqual(modes.map(() => runs));
        },
        timeout,
      );
      return;
    }

    for (const mode of modes) {
      it(
        `${mode}: every call settles in time with a response or a typed error, and nothing leaks`,
        async () => {
          const report = await chaosRun(mode, runs, seed);
          reports.push(report);
          expect(report.problems).toEqual([]);
          expect(report.tally.calls).toBe(runs);
          expect(report.heap!.live).toBeLessThan(LIVE_HEAP_BOUND);
        },
        timeout,
      );
    }
  });
}
