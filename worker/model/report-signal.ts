import { HUB_PASSIVE, type HubEvidence } from "../../src/protocol";
import type { WindowTotals } from "./passive";

/**
 * What a location's passive reports say about an upstream, from two kinds of input:
 * counts over the window (answers judge the upstream, calls without an answer judge the
 * path from there) and the share of recent reporters holding it out of rotation.
 */

/**
 * Which failing states a location's reports are in; each has hysteresis, so the previous
 * value is an input to the next judgement.
 *
 * @example
 * ```ts
 * location.failing = judgeReports(totals, share, location.failing).failing;
 * ```
 */
export interface ReportFailing {
  /** Answers classified as failures reached `failureRate` of the answered calls. */
  answers: boolean;
  /** Calls without an answer reached `failureRate` of all calls. */
  unreachable: boolean;
  /** At least `failureRate` of the recent reporters held the upstream out of rotation. */
  rotation: boolean;
}

/** What the reports say, for `locationJudgement`. */
export interface ReportSignal {
  verdict: "up" | "down" | "unknown";
  reason: string;
  /** `answers` when up; for down, `answers` or `unreachable`; `null` when unknown. */
  evidence: HubEvidence | null;
  failing: ReportFailing;
}

/** Nothing failing: a new location, or one whose clients have just readmitted the upstream. */
export const NOT_FAILING: ReportFailing = { answers: false, unreachable: false, rotation: false };

/** A share of reporters holding the upstream out of rotation, by cause. */
export type RotationShareByCause = { answers: number; unreachable: number };

/**
 * Whether a share of reporters is enough to call the location failing: at least
 * `failureRate` of them hold the upstream out of rotation. No minimum number of calls:
 * a client's breaker already weighed its own calls before it opened.
 *
 * @example
 * ```ts
 * rotationFailing({ answers: 1, unreachable: 0 }); // true
 * ```
 */
export function rotationFailing(share: RotationShareByCause | null): boolean {
  if (share === null) return false;
  const out = share.answers + share.unreachable;
  // Shares are ratios of decayed float sums: a tie (say 1 of 2 reporters) must not depend
  // on whether a relay merged the entries before they arrived or not.
  return out > 0 && out >= HUB_PASSIVE.failureRate - TIE;
}

const TIE = 1e-9;

/**
 * Judges a location's reports. Answers-failing wins over unreachable (it is evidence about
 * the upstream everywhere); counts need `minCalls`, the rotation share does not. Up needs
 * `minCalls` answered calls with the answer failure rate below the threshold.
 *
 * @example
 * ```ts
 * const signal = judgeReports(windowTotals(buckets, now), rotationShare(rotation, now), NOT_FAILING);
 * ```
 */
export function judgeReports(
  totals: WindowTotals,
  share: RotationShareByCause | null,
  was: ReportFailing,
): ReportSignal {
  const answered = totals.successes + totals.failures;
  const unanswered = totals.networkErrors + totals.timeouts;
  const failing: ReportFailing = {
    answers: crossed(totals.failures, answered, was.answers),
    unreachable: crossed(unanswered, totals.calls, was.unreachable),
    rotation: rotationFailing(share),
  };
  // Reasons are built only for the branch taken: this runs on every report.
  const outOnAnswers = share !== null && share.answers >= share.unreachable;
  if (failing.answers)
    return { verdict: "down", reason: answerRate(totals), evidence: "answers", failing };
  if (failing.rotation && outOnAnswers)
    return { verdict: "down", reason: outReason(share!, true), evidence: "answers", failing };
  if (failing.unreachable) {
    const reason = `${unanswered} of ${totals.calls} calls got no answer`;
    return { verdict: "down", reason, evidence: "unreachable", failing };
  }
  if (failing.rotation)
    return { verdict: "down", reason: outReason(share!, false), evidence: "unreachable", failing };
  if (answered >= HUB_PASSIVE.minCalls)
    return { verdict: "up", reason: answerRate(totals), evidence: "answers", failing };
  const reason = totals.calls === 0 ? "no calls reported" : `only ${totals.calls} calls reported`;
  return { verdict: "unknown", reason, evidence: null, failing };
}

function answerRate({ successes, failures }: WindowTotals): string {
  const answered = successes + failures;
  const rate = answered > 0 ? failures / answered : 0;
  return `answer failure rate ${rate.toFixed(2)} over ${answered} answered calls`;
}

function outReason(share: RotationShareByCause, onAnswers: boolean): string {
  const percent = Math.round((share.answers + share.unreachable) * 100);
  const cause = onAnswers ? "failed answers" : "no answers";
  return `${percent}% of recent reporters hold it out of rotation (${cause})`;
}

/**
 * Two thresholds so the signal does not flap: failing from `failureRate` up, not failing
 * again at `recoveryRate` or below, both only over `minCalls` or more. Without enough calls
 * a failing state holds until the window has no calls left.
 */
function crossed(bad: number, total: number, was: boolean): boolean {
  if (total === 0) return false;
  const enough = total >= HUB_PASSIVE.minCalls;
  const r = bad / total;
  return was ? !(enough && r <= HUB_PASSIVE.recoveryRate) : enough && r >= HUB_PASSIVE.failureRate;
}
