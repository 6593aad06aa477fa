import type { HubBreakerHint, HubVerdict } from "../../src/protocol";
import type { HeartbeatTrack } from "./hysteresis";
import type { PassiveSignal } from "./passive";

/**
 * A verdict and why; what every decision in the hub produces.
 *
 * @example
 * ```ts
 * const v: Judgement = { verdict: "down", reason: "3 heartbeats failed in a row" };
 * ```
 */
export interface Judgement {
  verdict: HubVerdict;
  reason: string;
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
 * than `staleMs` (or there was none).
 *
 * @example
 * ```ts
 * const hub = trackJudgement(state.hub, now, staleAfter(config.heartbeat));
 * ```
 */
export function trackJudgement(track: HeartbeatTrack, now: number, staleMs: number): Judgement {
  if (track.lastAt === null) return { verdict: "unknown", reason: track.reason };
  if (now - track.lastAt > staleMs) return { verdict: "unknown", reason: "heartbeats are stale" };
  return { verdict: track.verdict, reason: track.reason };
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
  if (heartbeat.verdict === "down")
    return { verdict: "down", reason: `heartbeats: ${heartbeat.reason}` };
  if (passive.verdict === "down") return { verdict: "down", reason: `reports: ${passive.reason}` };
  if (heartbeat.verdict === "up")
    return { verdict: "up", reason: `heartbeats: ${heartbeat.reason}` };
  if (passive.verdict === "up") return { verdict: "up", reason: `reports: ${passive.reason}` };
  return { verdict: "unknown", reason: "no fresh heartbeats or reports" };
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
  if (up === 0 && down === 0) return { verdict: "unknown", reason: "no fresh signal" };
  if (down === 0) return { verdict: "up", reason: `up from ${up} of ${up} vantage points` };
  const where = downAt.slice(0, 8).join(", ") + (downAt.length > 8 ? ", …" : "");
  if (up === 0) {
    const only = down === 1 && hub.verdict === "down" ? hub.reason : `down from ${where}`;
    return { verdict: "down", reason: only };
  }
  const reason = `down from ${down} of ${up + down} vantage points (${where})`;
  return { verdict: down > up ? "down" : "degraded", reason };
}

/**
 * What a client's breaker should do with an upstream in this verdict.
 *
 * @example
 * ```ts
 * breakerHint("degraded"); // "half-open"
 * ```
 */
export function breakerHint(verdict: HubVerdict): HubBreakerHint {
  if (verdict === "down") return "open";
  if (verdict === "degraded") return "half-open";
  return "closed";
}
