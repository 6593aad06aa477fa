/**
 * HAProxy's rise/fall model for heartbeats: a verdict flips to up only after `rise`
 * successes in a row and to down only after `fall` failures in a row, so one lost probe
 * neither takes an upstream out nor one lucky probe puts it back.
 */

/** Verdict of a run of heartbeats; heartbeats alone never say "degraded". */
export type TrackVerdict = "up" | "down" | "unknown";

/**
 * The hysteresis state of one stream of heartbeats (the hub's own, or one location's).
 *
 * @example
 * ```ts
 * let track = newTrack(now);
 * track = observeHeartbeat(track, true, now, { rise: 2, fall: 3 });
 * ```
 */
export interface HeartbeatTrack {
  verdict: TrackVerdict;
  since: number;
  reason: string;
  okStreak: number;
  failStreak: number;
  /** When the last heartbeat of this stream was recorded; `null` before the first. */
  lastAt: number | null;
}

/**
 * A track that has seen nothing yet.
 *
 * @example
 * ```ts
 * const track = newTrack(Date.now());
 * ```
 */
export function newTrack(now: number): HeartbeatTrack {
  return {
    verdict: "unknown",
    since: now,
    reason: "no heartbeat yet",
    okStreak: 0,
    failStreak: 0,
    lastAt: null,
  };
}

/**
 * The track after one more heartbeat. Returns a new object; the input is not changed.
 *
 * @example
 * ```ts
 * const next = observeHeartbeat(track, false, now, { rise: 2, fall: 3 }, "status 503");
 * if (next.verdict !== track.verdict) log(next.reason);
 * ```
 */
export function observeHeartbeat(
  track: HeartbeatTrack,
  ok: boolean,
  now: number,
  limits: { rise: number; fall: number },
  detail?: string,
): HeartbeatTrack {
  const okStreak = ok ? track.okStreak + 1 : 0;
  const failStreak = ok ? 0 : track.failStreak + 1;
  let { verdict, since, reason } = track;
  if (ok && verdict !== "up" && okStreak >= limits.rise) {
    verdict = "up";
    since = now;
    reason = `${okStreak} heartbeat${okStreak === 1 ? "" : "s"} succeeded in a row`;
  } else if (!ok && verdict !== "down" && failStreak >= limits.fall) {
    verdict = "down";
    since = now;
    reason = `${failStreak} heartbeat${failStreak === 1 ? "" : "s"} failed in a row`;
    if (detail) reason += ` (last: ${detail})`;
  }
  return { verdict, since, reason, okStreak, failStreak, lastAt: now };
}
