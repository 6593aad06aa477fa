import type { Judgement } from "./decide";

/**
 * The global verdict: what a client with no fresh verdict for its own location should go
 * by. Each vantage point votes (the hub's own heartbeats, and every location); unknown
 * votes abstain. What a vote rests on decides how far it reaches:
 *
 * 1. Failed answers (`answers`) are evidence about the upstream wherever it is called
 *    from. Health checks passing do not contradict them (a health path can answer 200
 *    while the API answers 503); only locations whose calls get good answers do. More
 *    failing than answering well → `down`; otherwise `degraded` (a partial failure).
 * 2. Failing health checks (`heartbeats`, an unexpected status) are weighed against every
 *    up vote the same way: more down → `down`, else `degraded`.
 * 3. No answer at all (`unreachable`) is about the path from one vantage point: it makes
 *    the upstream `down` only when no vantage point sees it up, and is otherwise left to
 *    the locations concerned (their own verdict says down; the global one stays up).
 *
 * @example
 * ```ts
 * globalJudgement(
 *   { verdict: "up", reason: "1 heartbeat succeeded in a row", evidence: "heartbeats" },
 *   [{ colo: "AMS", verdict: "down", reason: "…", evidence: "unreachable" }],
 * ); // { verdict: "up", reason: "up from 1 of 2 vantage points; unreachable from AMS only", … }
 * ```
 */
export function globalJudgement(
  hub: Judgement,
  locations: readonly (Judgement & { colo: string })[],
): Judgement {
  const answers: string[] = [];
  const heartbeats: string[] = [];
  const unreachable: string[] = [];
  let up = 0;
  let answeredWell = 0;
  // The hub first, then each location; a plain loop, since this runs on every report.
  for (let i = -1; i < locations.length; i++) {
    const j = i < 0 ? hub : locations[i]!;
    if (j.verdict === "up") {
      up++;
      if (j.evidence === "answers") answeredWell++;
    } else if (j.verdict === "down") {
      const where = i < 0 ? "hub" : locations[i]!.colo;
      if (j.evidence === "answers") answers.push(where);
      else if (j.evidence === "unreachable") unreachable.push(where);
      else heartbeats.push(where);
    }
  }
  if (answers.length > 0) {
    const good = answeredWell > 0 ? `, good answers at ${count(answeredWell, "location")}` : "";
    const reason = `failed answers at ${list(answers)}${good}`;
    return {
      verdict: answers.length > answeredWell ? "down" : "degraded",
      reason,
      evidence: "answers",
    };
  }
  if (heartbeats.length > 0) {
    const verdict = heartbeats.length > up ? "down" : "degraded";
    // The hub's own heartbeats alone explain themselves best.
    const only = up === 0 && heartbeats.length === 1 && hub.verdict === "down";
    const reason = only
      ? hub.reason
      : `health checks failing from ${heartbeats.length} of ${heartbeats.length + up} vantage points (${list(heartbeats)})`;
    return { verdict, reason, evidence: "heartbeats" };
  }
  if (up === 0 && unreachable.length > 0) {
    const only = unreachable.length === 1 && hub.verdict === "down";
    const reason = only
      ? hub.reason
      : `unreachable from every vantage point (${list(unreachable)})`;
    return { verdict: "down", reason, evidence: "unreachable" };
  }
  if (up === 0) return { verdict: "unknown", reason: "no fresh signal", evidence: null };
  const total = up + unreachable.length;
  const elsewhere = unreachable.length > 0 ? `; unreachable from ${list(unreachable)} only` : "";
  return {
    verdict: "up",
    reason: `up from ${up} of ${total} vantage points${elsewhere}`,
    evidence: answeredWell > 0 ? "answers" : "heartbeats",
  };
}

const list = (where: readonly string[]) =>
  where.slice(0, 8).join(", ") + (where.length > 8 ? `, … (${where.length})` : "");
const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
