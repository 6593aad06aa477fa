import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type LocalHub, startLocalHub } from "../../../examples/hub-local";
import { type HubChaosReport, hubChaosRun } from "./hub-chaos-run";
import { HUB_MODES } from "./hub-proxy";
import { formatHubReports } from "./report-table";

// Issue 14, "Hub sync under chaos": a client with hubSync against the real hub Worker
// (workerd, local SQLite), reached through a proxy that stalls, answers late, 5xx, resets,
// garbage, JSON of the wrong shape or truncated answers (or a URL that refuses), over
// healthy upstreams: callers must see exactly what they see with the hub healthy (every
// call a 200) and nothing may leak. CHAOS_RUNS calls per hub mode, one mode at a time, so
// that each row's latencies compare with the healthy hub's.
const { runs: calls, seed } = inject("chaos");
const reports: HubChaosReport[] = [];
let hub: LocalHub;

describe(`hub sync under chaos (${calls} calls per hub mode, seed ${seed})`, () => {
  beforeAll(async () => {
    hub = await startLocalHub();
  }, 30_000);

  afterAll(async () => {
    await hub?.stop();
    console.log(`hub sync under chaos (replay: CHAOS_SEED=${seed})\n${formatHubReports(reports)}`);
  });

  for (const mode of HUB_MODES) {
    it(
      `a ${mode} hub changes nothing callers see`,
      async () => {
        const report = await hubChaosRun(hub, mode, calls, seed);
        reports.push(report);
        expect(report.problems).toEqual([]);
        expect(report.tally.calls).toBe(calls);
      },
      30_000 + calls * 10,
    );
  }
});
