import { HUB_PASSIVE } from "../../src/protocol";
import { type Judgement, locationJudgement, trackJudgement } from "./decide";
import type { LocationState } from "./hub-state";
import { markCounts, pruneBuckets, windowTotals } from "./passive";
import { judgeReports, NOT_FAILING, rotationFailing } from "./report-signal";
import { rotationShare } from "./rotation";

/** A location with no data for this long is forgotten. */
export const LOCATION_RETENTION_MS = 60 * 60_000;

/**
 * Judges one location again at `now` and updates its report state (failing flags, where
 * its judged counts start); the caller applies the verdict.
 *
 * When the location's clients put the upstream back into rotation (the share holding it
 * out falls below the threshold on a fresh report, after having reached it), their good
 * probes are newer evidence than the failures counted before: those stop being judged
 * (they stay in the statistics), so recovery takes one report, as detection did.
 *
 * @example
 * ```ts
 * const j = judgeLocation(upstream.locations.AMS!, now, staleAfter(config.heartbeat));
 * ```
 */
export function judgeLocation(location: LocationState, now: number, staleMs: number): Judgement {
  pruneBuckets(location.buckets, now);
  const share = rotationShare(location.rotation, now);
  let was = location.failing;
  if (was.rotation && share !== null && !rotationFailing(share)) {
    location.countsFrom = markCounts(location.buckets);
    was = NOT_FAILING;
  }
  const totals = windowTotals(location.buckets, now, HUB_PASSIVE.windowMs, location.countsFrom);
  const reports = judgeReports(totals, share, was);
  location.failing = reports.failing;
  const edge = trackJudgement(location.edge, location.edgeLast, now, staleMs);
  return locationJudgement(edge, reports);
}

/**
 * Whether a location has said nothing for long enough to be forgotten.
 *
 * @example
 * ```ts
 * if (j.verdict === "unknown" && forgettable(location, now)) delete upstream.locations[colo];
 * ```
 */
export function forgettable(location: LocationState, now: number): boolean {
  const last = Math.max(location.edge.lastAt ?? 0, location.reportedAt ?? 0);
  return now - last > Math.max(LOCATION_RETENTION_MS, HUB_PASSIVE.windowMs);
}
