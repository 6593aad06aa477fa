import { HUB_PASSIVE } from "../../src/protocol";

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
 * Where a location's judged counts start: the bucket that was current then, and its counts
 * at that moment (left out of the totals). Set when clients put an upstream back into
 * rotation, so failures from before their good probes stop weighing on the verdict.
 *
 * @example
 * ```ts
 * location.countsFrom = markCounts(location.buckets);
 * ```
 */
export type CountsMark = Pick<
  Bucket,
  "start" | "successes" | "failures" | "networkErrors" | "timeouts"
>;

/**
 * A mark after everything counted so far (`null` without buckets: nothing to leave out).
 *
 * @example
 * ```ts
 * const mark = markCounts(buckets);
 * windowTotals(buckets, now, HUB_PASSIVE.windowMs, mark).calls; // 0 until new reports
 * ```
 */
export function markCounts(buckets: readonly Bucket[]): CountsMark | null {
  const b = buckets[buckets.length - 1];
  if (!b) return null;
  const { start, successes, failures, networkErrors, timeouts } = b;
  return { start, successes, failures, networkErrors, timeouts };
}

/**
 * Sums the buckets that overlap the window ending at `now`; with `from`, only what was
 * counted after that mark.
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
  from: CountsMark | null = null,
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
    if (from !== null && b.start < from.start) continue;
    if (from === null || b.start !== from.start) {
      t.successes += b.successes;
      t.failures += b.failures;
      t.networkErrors += b.networkErrors;
      t.timeouts += b.timeouts;
      continue;
    }
    // A bucket reloaded after a crash can hold less than the mark saw: never below zero.
    t.successes += Math.max(0, b.successes - from.successes);
    t.failures += Math.max(0, b.failures - from.failures);
    t.networkErrors += Math.max(0, b.networkErrors - from.networkErrors);
    t.timeouts += Math.max(0, b.timeouts - from.timeouts);
  }
  t.failed = t.failures + t.networkErrors + t.timeouts;
  t.calls = t.successes + t.failed;
  return t;
}
