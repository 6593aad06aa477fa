/**
 * Counters of one simulated upstream. Every call is counted once in `requests` and, once it
 * ends, in exactly one of `ok`, `errors`, `refused` or `aborted`: so
 * `requests = ok + errors + refused + aborted + inFlight`.
 *
 * @example
 * ```ts
 * const { requests, refused, arrivedWhileDown } = fleet.stats("https://a.test");
 * ```
 */
export interface UpstreamStats {
  /** Calls made, including ones whose signal was already aborted. */
  requests: number;
  /** Calls not yet answered (hanging calls stay here until aborted). */
  inFlight: number;
  maxInFlight: number;
  /** Calls answered with a 2xx/3xx status. */
  ok: number;
  /** Calls answered with a 4xx/5xx status (the error rate, or an outage of mode "status"). */
  errors: number;
  /** Calls rejected with `TypeError("fetch failed")` by an outage of mode "refuse". */
  refused: number;
  /** Calls ended by their `AbortSignal` before an answer. */
  aborted: number;
  /** Calls that arrived during an outage, whatever its mode. */
  arrivedWhileDown: number;
  /** The clock times at which those calls arrived. */
  arrivalsWhileDown: number[];
}

/** Fresh counters; `inFlight` carries over calls still running across a reset. */
export function emptyStats(inFlight: number): UpstreamStats {
  return {
    requests: 0,
    inFlight,
    maxInFlight: inFlight,
    ok: 0,
    errors: 0,
    refused: 0,
    aborted: 0,
    arrivedWhileDown: 0,
    arrivalsWhileDown: [],
  };
}

/** A snapshot that later calls do not change. */
export function copyStats(stats: UpstreamStats): UpstreamStats {
  return { ...stats, arrivalsWhileDown: stats.arrivalsWhileDown.slice() };
}
