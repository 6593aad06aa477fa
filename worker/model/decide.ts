import type { HubBreakerHint, HubEvidence, HubHeartbeat, HubVerdict } from "../../src/protocol";
import type { HeartbeatTrack } from "./hysteresis";
import type { PassiveSignal } from "./passive";

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
 * saying down wins (a failing heartbeat or a high failure rate is a problem for callers
 * there); otherwise either saying up is enough; with neither it is unknown.
 *
 * @example
 * ```ts
 * locationJudgement({ verdict: "up", reason: "…" }, judgePassive(totals, false));
 * ```
 */
export function locationJudgement(heartbeat: Judgement, passive: PassiveSignal): Judgement {
  const fromHeartbeats = { ...heartbeat, reason: `heartbeats: ${heartbeat.reason}` };
  const fromReports = { ...passive, reason: `reports: ${passive.reason}` };
  if (heartbeat.verdict === "down") return fromHeartbeats;
  if (passive.verdict === "down") return fromReports;
  if (heartbeat.verdict === "up") return fromHeartbeats;
  if (passive.verdict === "up") return fromReports;
  return { verdict: "unknown", reason: "no fresh heartbeats or reports", evidence: null };
}

/**
 * The global verdict from the hub's own heartbeats and every location's verdict, each a
 * vote; unknown votes abstain. All up → up, all down → down, mixed → down when the down
 * votes outnumber the up votes, else degraded (up for some callers, down for others).
 *
 * @example
 * ```ts
 * globalJudgement({ verdict: "up", reason: "…" }, [{ colo: "AMS", verdict: "down", reason: "…" }]);
 * // { verdict: "degraded", … }
 * ```
 */
export function globalJudgement(
  hub: Judgement,
  locations: readonly (Judgement & { colo: string })[],
): Judgement {
  let up = hub.verdict === "up" ? 1 : 0;
  let down = hub.verdict === "down" ? 1 : 0;
  const downAt: string[] = hub.verdict === "down" ? ["hub"] : [];
  for (const l of locations) {
    if (l.verdict === "up") up++;
    else if (l.verdict === "down") {
      down++;
      downAt.push(l.colo);
    }
  }
  const votes = [hub, ...locations];
  const rests = (verdict: HubVerdict, order: readonly HubEvidence[]) =>
    order.find((e) => votes.some((v) => v.verdict === verdict && v.evidence === e)) ?? null;
  if (up === 0 && down === 0)
    return { verdict: "unknown", reason: "no fresh signal", evidence: null };
  if (down === 0)
    return {
      verdict: "up",
      reason: `up from ${up} of ${up} vantage points`,
      evidence: rests("up", ["answers", "heartbeats"]),
    };
  const evidence = rests("down", ["answers", "heartbeats", "unreachable"]);
  const where = downAt.slice(0, 8).join(", ") + (downAt.length > 8 ? ", …" : "");
  if (up === 0) {
    const only = down === 1 && hub.verdict === "down" ? hub.reason : `down from ${where}`;
    return { verdict: "down", reason: only, evidence };
  }
  const reason = `down from ${down} of ${up + down} vantage points (${where})`;
  return { verdict: down > up ? "down" : "degraded", reason, evidence };
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
