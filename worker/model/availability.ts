import type { HubAvailability, HubVerdict } from "../../src/protocol";

/**
 * Running totals behind MTBF, MTTR and availability, fed by the global verdict's
 * transitions. `up` and `degraded` count as up time, `down` as down time, `unknown` as
 * neither (the hub knows nothing then). An outage starts when the verdict moves into `down`
 * after having been up (an upstream already down when first seen has no known start, so its
 * down time counts against availability but not as a failure) and ends on the next move
 * into `up`/`degraded`, even if it passed through `unknown`.
 *
 * @example
 * ```ts
 * let a = newAvailability(now);
 * a = transitionAvailability(a, "up", now);
 * summarizeAvailability(a, later).availability; // 1
 * ```
 */
export interface AvailabilityState {
  verdict: HubVerdict;
  since: number;
  upMs: number;
  downMs: number;
  failures: number;
  recoveries: number;
  /** Total length of the outages that ended; MTTR divides it by `recoveries`. */
  repairedMs: number;
  /** Down time so far of the outage in progress. */
  outageMs: number;
  inOutage: boolean;
  /** The last verdict other than `unknown`. */
  lastKnown: HubVerdict;
}

const isUp = (v: HubVerdict) => v === "up" || v === "degraded";

/**
 * Empty totals: nothing known yet at `now`.
 *
 * @example
 * ```ts
 * const a = newAvailability(Date.now());
 * ```
 */
export function newAvailability(now: number): AvailabilityState {
  return {
    verdict: "unknown",
    since: now,
    upMs: 0,
    downMs: 0,
    failures: 0,
    recoveries: 0,
    repairedMs: 0,
    outageMs: 0,
    inOutage: false,
    lastKnown: "unknown",
  };
}

/**
 * The totals after the verdict changes to `to` at `now`. Returns a new object.
 *
 * @example
 * ```ts
 * a = transitionAvailability(a, "down", now);
 * ```
 */
export function transitionAvailability(
  state: AvailabilityState,
  to: HubVerdict,
  now: number,
): AvailabilityState {
  const next: AvailabilityState = { ...state, verdict: to, since: Math.max(now, state.since) };
  const elapsed = Math.max(0, now - state.since);
  if (isUp(state.verdict)) next.upMs += elapsed;
  else if (state.verdict === "down") {
    next.downMs += elapsed;
    next.outageMs += elapsed;
  }
  if (to !== "unknown") next.lastKnown = to;
  if (to === "down" && !state.inOutage && isUp(state.lastKnown)) {
    next.failures += 1;
    next.inOutage = true;
    next.outageMs = 0;
  } else if (isUp(to) && state.inOutage) {
    next.recoveries += 1;
    next.repairedMs += next.outageMs;
    next.outageMs = 0;
    next.inOutage = false;
  }
  return next;
}

/**
 * The figures at `now`, counting the current verdict's time so far. MTBF is up time per
 * failure (the field estimate), MTTR the mean length of the outages that ended.
 *
 * @example
 * ```ts
 * const { availability, mtbfMs, mttrMs } = summarizeAvailability(a, Date.now());
 * ```
 */
export function summarizeAvailability(state: AvailabilityState, now: number): HubAvailability {
  const elapsed = Math.max(0, now - state.since);
  const upMs = state.upMs + (isUp(state.verdict) ? elapsed : 0);
  const downMs = state.downMs + (state.verdict === "down" ? elapsed : 0);
  const known = upMs + downMs;
  return {
    availability: known > 0 ? upMs / known : null,
    mtbfMs: state.failures > 0 ? upMs / state.failures : null,
    mttrMs: state.recoveries > 0 ? state.repairedMs / state.recoveries : null,
    failures: state.failures,
    recoveries: state.recoveries,
    upMs,
    downMs,
  };
}
