import { HUB_PASSIVE, type HubEvidence } from "../../src/protocol";

/**
 * Passive outcomes of one location for one upstream, summed per time bucket.
 *
 * @example
 * ```ts
 * const b: Bucket = { start: 0, successes: 9, failures: 1, networkErrors: 0, timeouts: 0, latencySum: 90, latencyCount: 10, latencyMax: 20 };
 * ```
 */
export interface Bucket {
  start: number;
  successes: number;
  /** Answers classified as failures. */
  failures: number;
  /** Calls that got no answer: connection failures. */
  networkErrors: number;
  /** Calls that got no answer in time. */
  timeouts: number;
  latencySum: number;
  latencyCount: number;
  latencyMax: number;
}

/**
 * Sums over the passive window.
 *
 * @example
 * ```ts
 * const t = windowTotals(buckets, now);
 * const rate = t.calls ? t.successes / t.calls : null;
 * ```
 */
export interface WindowTotals {
  calls: number;
  successes: number;
  failures: number;
  networkErrors: number;
  timeouts: number;
  /** Failures, network errors and timeouts. */
  failed: number;
}

/** What the passive signal says about a location. */
export interface PassiveSignal {
  verdict: "up" | "down" | "unknown";
  failing: boolean;
  reason: string;
  /** `answers` for up; for down, the larger kind of failure; `null` when unknown. */
  evidence: HubEvidence | null;
}

/**
 * The start of the bucket that `at` falls in.
 *
 * @example
 * ```ts
 * bucketStart(12_345); // 10_000
 * ```
 */
export function bucketStart(at: number, bucketMs: number = HUB_PASSIVE.bucketMs): number {
  return at - (at % bucketMs);
}

/**
 * Adds counts to the bucket of `now` (creating it), drops buckets that left the window,
 * and returns the bucket that was written. Mutates `buckets`, which stays sorted by start.
 *
 * @example
 * ```ts
 * addToBuckets(buckets, { successes: 3, failures: 0, networkErrors: 0, timeouts: 0, latencySum: 30, latencyCount: 3, latencyMax: 12 }, now);
 * ```
 */
export function addToBuckets(
  buckets: Bucket[],
  counts: Omit<Bucket, "start">,
  now: number,
): Bucket {
  const start = bucketStart(now);
  pruneBuckets(buckets, now);
  let bucket = buckets[buckets.length - 1];
  if (!bucket || bucket.start !== start) {
    bucket = {
      start,
      successes: 0,
      failures: 0,
      networkErrors: 0,
      timeouts: 0,
      latencySum: 0,
      latencyCount: 0,
      latencyMax: 0,
    };
    buckets.push(bucket);
  }
  bucket.successes += counts.successes;
  bucket.failures += counts.failures;
  bucket.networkErrors += counts.networkErrors;
  bucket.timeouts += counts.timeouts;
  bucket.latencySum += counts.latencySum;
  bucket.latencyCount += counts.latencyCount;
  bucket.latencyMax = Math.max(bucket.latencyMax, counts.latencyMax);
  return bucket;
}

/**
 * Removes buckets that ended before the window that reaches back from `now`. Mutates.
 *
 * @example
 * ```ts
 * pruneBuckets(buckets, Date.now());
 * ```
 */
export function pruneBuckets(
  buckets: Bucket[],
  now: number,
  windowMs: number = HUB_PASSIVE.windowMs,
): void {
  let drop = 0;
  while (drop < buckets.length && buckets[drop]!.start + HUB_PASSIVE.bucketMs <= now - windowMs)
    drop++;
  if (drop > 0) buckets.splice(0, drop);
}

/**
 * Sums the buckets that overlap the window ending at `now`.
 *
 * @example
 * ```ts
 * const { calls, failed } = windowTotals(buckets, now);
 * ```
 */
export function windowTotals(
  buckets: readonly Bucket[],
  now: number,
  windowMs: number = HUB_PASSIVE.windowMs,
): WindowTotals {
  const t: WindowTotals = {
    calls: 0,
    successes: 0,
    failures: 0,
    networkErrors: 0,
    timeouts: 0,
    failed: 0,
  };
  for (const b of buckets) {
    if (b.start + HUB_PASSIVE.bucketMs <= now - windowMs) continue;
    t.successes += b.successes;
    t.failures += b.failures;
    t.networkErrors += b.networkErrors;
    t.timeouts += b.timeouts;
  }
  t.failed = t.failures + t.networkErrors + t.timeouts;
  t.calls = t.successes + t.failed;
  return t;
}

/**
 * Judges the window with two thresholds so the signal does not flap: a location becomes
 * failing at a failure rate of `failureRate` or more and stops failing at `recoveryRate` or
 * less, both only with at least `minCalls` calls. Without enough calls a failing location
 * stays failing until the window empties.
 *
 * @example
 * ```ts
 * const signal = judgePassive(windowTotals(buckets, now), wasFailing);
 * ```
 */
export function judgePassive(totals: WindowTotals, wasFailing: boolean): PassiveSignal {
  const { calls, failed } = totals;
  if (calls === 0)
    return { verdict: "unknown", failing: false, reason: "no calls reported", evidence: null };
  const rate = failed / calls;
  const enough = calls >= HUB_PASSIVE.minCalls;
  const describe = `failure rate ${rate.toFixed(2)} over ${calls} calls`;
  const failing = wasFailing
    ? !(enough && rate <= HUB_PASSIVE.recoveryRate)
    : enough && rate >= HUB_PASSIVE.failureRate;
  if (failing) {
    const kind = totals.failures >= totals.networkErrors + totals.timeouts;
    return {
      verdict: "down",
      failing,
      reason: describe,
      evidence: kind ? "answers" : "unreachable",
    };
  }
  if (enough) return { verdict: "up", failing, reason: describe, evidence: "answers" };
  return { verdict: "unknown", failing, reason: `only ${calls} calls reported`, evidence: null };
}
