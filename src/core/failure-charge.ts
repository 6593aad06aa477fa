import type { Upstream } from "./upstream";

/**
 * Charges a failed attempt to the upstream's peak-EWMA estimate, so that a fast failure
 * does not look like a fast upstream to p2c.
 *
 * `guarded` (a breaker or outlier detection is on): twice the costliest peer's estimate (at
 * most the attempt timeout, capped at 1 s), about what a retry elsewhere costs, *blended*
 * in like an ordinary sample and never kept as a peak. Each failure moves the estimate at
 * least 1/8 of the way up and each success as far back, so traffic shifts away from an
 * upstream that fails some of its calls, while a dead one keeps getting calls for the few
 * milliseconds its guard needs to count a streak, take it out and record the outage. When
 * its open or ejection interval ends, its whole estimate is dropped (see `Fleet`): it is
 * judged afresh on its probe.
 *
 * History: a flat 1 s charge kept as a peak (the first rule) made p2c shun an upstream
 * after its first failure, so a dead one was never taken out, showed as up in `stats()`,
 * and won its share back only as the charge decayed, ~20 s after it recovered. Twice the
 * costliest peer's estimate, still kept as a peak (the second rule), did the same to fast
 * upstreams: after 1–4 failures p2c stopped picking one, its breaker never saw 5 in a row,
 * and the charge decayed only with idle time (τ = 10 s): with 5 ms upstreams a 3 s outage
 * went unrecorded and the upstream got no call for up to 4.5 s after it recovered (issue
 * 12; test/node/recovery.test.ts, bench/failover.ts).
 *
 * Not guarded: the balancer alone keeps traffic off failing upstreams, so a failure is
 * charged the full cap as a peak, which wears off with time.
 *
 * @example
 * ```ts
 * chargeFailure(upstream, pool.list, durationMs, call.attemptTimeout, true, clock.now());
 * ```
 */
export function chargeFailure(
  upstream: Upstream,
  peers: readonly Upstream[],
  durationMs: number,
  attemptTimeout: number,
  guarded: boolean,
  now: number,
): void {
  const cap = Math.min(attemptTimeout, 1_000);
  if (!guarded) {
    upstream.ewma.observe(Math.max(durationMs, cap), now);
    return;
  }
  let reference = 0;
  for (const other of peers) {
    if (other !== upstream && other.ewma.hasHistory) {
      reference = Math.max(reference, other.ewma.valueAt(now));
    }
  }
  // Nothing to compare with yet (the others' first answers are still out): the guard will
  // stop a dead upstream after a handful of fast failures.
  upstream.ewma.observe(Math.max(durationMs, Math.min(cap, 2 * reference)), now, false);
}
