/**
 * Gathers one frame's {@link LiveView} from the running demo: the library callers' stats
 * (breaker states), their recorded attempts (share, latency, failures), the hub's latest
 * snapshot (verdicts, availability) and the story so far.
 */
import type { DemoCaller } from "./clients";
import { percentile } from "./format";
import type { HubMonitor } from "./hub";
import { type CallerRow, type LiveView, LOCATIONS, type UpstreamRow } from "./live-table";
import type { AttemptSample, CallerRecord } from "./recorder";
import { phaseAt } from "./scenario";
import type { StoryLine } from "./story";
import type { DemoUpstreams } from "./upstreams";

/** The window of the live share and latency figures, ms. */
export const RECENT_MS = 5_000;

/** What a frame is gathered from. */
export interface ViewSources {
  elapsedMs: number;
  durationMs: number;
  rate: number;
  dashboard: string;
  readToken: string;
  upstreams: DemoUpstreams;
  /** Callers by location (`AAA`, `BBB`), then the others. */
  locations: Record<(typeof LOCATIONS)[number], DemoCaller>;
  callers: DemoCaller[];
  monitor: HubMonitor;
  story: StoryLine[];
}

/**
 * The frame now.
 *
 * @example
 * ```ts
 * screen.show(renderFrame(gatherView(sources), screen.paint));
 * ```
 */
export function gatherView(sources: ViewSources): LiveView {
  const recent = LOCATIONS.flatMap((l) =>
    recentAttempts(sources.locations[l].record, sources.elapsedMs - RECENT_MS),
  );
  const snapshot = sources.monitor.snapshot;
  const upstreams = sources.upstreams.list.map((upstream): UpstreamRow => {
    const mine = recent.filter((a) => a.upstream === upstream.url);
    const answered = mine.filter((a) => a.outcome === "ok").map((a) => a.ms);
    const hub = snapshot?.upstreams.find((u) => u.url === upstream.url);
    const breakers: Record<string, string | undefined> = {};
    const verdicts: Record<string, string | undefined> = { all: hub?.verdict };
    let failed = 0;
    for (const location of LOCATIONS) {
      const caller = sources.locations[location];
      const stats = caller.client?.stats().upstreams.find((u) => u.url === upstream.url);
      breakers[location] = stats?.state === "up" ? "closed" : stats?.state;
      verdicts[location] = hub?.locations[location]?.verdict;
      failed += caller.record.attempts.filter(
        (a) => a.upstream === upstream.url && a.outcome === "failed",
      ).length;
    }
    return {
      name: upstream.name,
      phase: phaseAt(upstream.name, sources.elapsedMs),
      breakers,
      verdicts,
      share: recent.length > 0 ? mine.length / recent.length : null,
      p50: percentile(answered, 0.5),
      p99: percentile(answered, 0.99),
      failed,
      availability: hub?.availability.availability ?? null,
      mtbfMs: hub?.availability.mtbfMs ?? null,
      mttrMs: hub?.availability.mttrMs ?? null,
    };
  });
  return {
    elapsedMs: sources.elapsedMs,
    durationMs: sources.durationMs,
    rate: sources.rate,
    dashboard: sources.dashboard,
    readToken: sources.readToken,
    hubError: sources.monitor.error,
    upstreams,
    callers: sources.callers.map((c) => callerRow(c.record)),
    story: sources.story,
  };
}

/**
 * A caller's row: its calls, errors, attempts and call latency since the start.
 *
 * @example
 * ```ts
 * callerRow(control.record).errors;
 * ```
 */
export function callerRow(record: CallerRecord): CallerRow {
  return {
    name: record.name,
    role: record.role,
    calls: record.calls,
    errors: record.errors,
    attempts: record.attempts.length,
    failedAttempts: record.attempts.filter((a) => a.outcome === "failed").length,
    p50: percentile(record.latencies, 0.5),
    p99: percentile(record.latencies, 0.99),
    retries: record.retries,
    hedges: record.hedges,
  };
}

// Attempts are recorded in time order: walk back from the newest.
function recentAttempts(record: CallerRecord, since: number): AttemptSample[] {
  const all = record.attempts;
  let i = all.length;
  while (i > 0 && all[i - 1]!.at >= since) i--;
  return all.slice(i);
}
