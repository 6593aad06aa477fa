import type { HubBreakerHint, HubEvidence, HubHeartbeat, HubVerdict } from "../../src/protocol";
import type { HeartbeatTrack } from "./hysteresis";

/**
 * A verdict and why; what every decision in the hub produces.
 *
 * @example
 * ```ts
 * const v: Judgement = { verdict: "down", reason: "3 heartbeats failed in a row", evidence: "heartbeats" };
 * ```
 */
export interface Judgement {
  verdict: HubVerdict;
  reason: string;
  /**
   * What the verdict rests on (`null` when unknown). For `up`: `answers` when calls were
   * answered well, `heartbeats` when only health checks passed.
   */
  evidence: HubEvidence | null;
}

/**
 * How long heartbeats stay trustworthy: three intervals plus one timeout, so one late or
 * lost round does not turn a verdict unknown.
 *
 * @example
 * ```ts
 * const fresh = now - track.lastAt! <= staleAfter(config.heartbeat);
 * ```
 */
export function staleAfter(heartbeat: { interval: number; timeout: number }): number {
  return 3 * heartbeat.interval + heartbeat.timeout;
}

/**
 * The verdict of a heartbeat track at `now`: `unknown` when its last heartbeat is older
 * than `staleMs` (or there was none). A down track rests on `unreachable` when its last
 * heartbeat got no answer at all, else on `heartbeats` (the health check answered wrong).
 *
 * @example
 * ```ts
 * const hub = trackJudgement(state.hub, state.hubLast, now, staleAfter(config.heartbeat));
 * ```
 */
export function trackJudgement(
  track: HeartbeatTrack,
  last: HubHeartbeat | null,
  now: number,
  staleMs: number,
): Judgement {
  if (track.lastAt === null) return { verdict: "unknown", reason: track.reason, evidence: null };
  if (now - track.lastAt > staleMs)
    return { verdict: "unknown", reason: "heartbeats are stale", evidence: null };
  if (track.verdict === "unknown")
    return { verdict: "unknown", reason: track.reason, evidence: null };
  const unanswered = track.verdict === "down" && last !== null && !last.ok && last.status === null;
  return {
    verdict: track.verdict,
    reason: track.reason,
    evidence: unanswered ? "unreachable" : "heartbeats",
  };
}

/**
 * One location's verdict from its edge heartbeats and its passive reports. Either signal
 * saying down wins (a failing health check or failing calls are a problem for callers
 * there), the reports first since they carry the callers' own evidence; otherwise either
 * saying up is enough; with neither it is unknown.
 *
 * @example
 * ```ts
 * locationJudgement(trackJudgement(edge, edgeLast, now, stale), judgeReports(totals, share, was));
 * ```
 */
export function locationJudgement(heartbeat: Judgement, reports: Judgement): Judgement {
  // Only the judgement returned gets its reason string: this runs on every report.
  if (reports.verdict === "down") return labelled("reports", reports);
  if (heartbeat.verdict === "down") return labelled("heartbeats", heartbeat);
  if (reports.verdict === "up") return labelled("reports", reports);
  if (heartbeat.verdict === "up") return labelled("heartbeats", heartbeat);
  return { verdict: "unknown", reason: "no fresh heartbeats or reports", evidence: null };
}

function labelled(source: string, j: Judgement): Judgement {
  return { verdict: j.verdict, reason: `${source}: ${j.reason}`, evidence: j.evidence };
}

/**
 * What a client's breaker should do with an upstream in this verdict; a drained upstream
 * is `open` whatever its verdict.
 *
 * @example
 * ```ts
 * breakerHint("degraded"); // "half-open"
 * breakerHint("up", true); // "open"
 * ```
 */
export function breakerHint(verdict: HubVerdict, drain = false): HubBreakerHint {
  if (verdict === "down" || drain) return "open";
  if (verdict === "degraded") return "half-open";
  return "closed";
}
