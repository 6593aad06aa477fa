import type { HealthUpstream, LocalState } from "../health-source";
import type { HubHeartbeatResult, HubReportBatch, HubUpstreamReport } from "../protocol";
import type { OutcomeCounts } from "./report-queue";

/** What took an upstream out of this client's rotation: failed answers, or no answer. */
export type TripCause = "answers" | "unreachable";

/** Heartbeat results of a lease, waiting to be posted. */
export interface LeaseResults {
  leaseId: string;
  results: HubHeartbeatResult[];
}

/** Everything a report is built from. */
export interface ReportInput {
  colo: string | undefined;
  /** Outcomes per upstream URL, merged over the batches being sent. */
  entries: ReadonlyMap<string, OutcomeCounts>;
  /** The client's upstreams, to say which it holds out of rotation. */
  upstreams: readonly HealthUpstream[];
  stateOf: (upstream: HealthUpstream) => LocalState;
  /** What last failed on each upstream: what tripped it, when it is out. */
  causes: ReadonlyMap<string, TripCause>;
  /** The URLs the hub knows (its last snapshot's); entries for others would be refused. */
  known: ReadonlySet<string>;
  heartbeats: LeaseResults | undefined;
}

/**
 * Builds the body of `POST /v1/services/:service/reports`: one entry per upstream with
 * outcomes to report or held out of this client's rotation (breaker open, or ejected) now,
 * with `outOfRotation` saying by what: failed answers (evidence about the upstream) or no
 * answer (evidence about the path from here). `undefined` when there is nothing to say.
 * Upstreams the hub does not know are left out, since the hub refuses a batch naming one.
 *
 * @example
 * ```ts
 * const batch = buildReport({ colo: "AMS", entries, upstreams, stateOf, causes, known, heartbeats: undefined });
 * ```
 */
export function buildReport(input: ReportInput): HubReportBatch | undefined {
  const upstreams: HubUpstreamReport[] = [];
  const out = new Map<string, TripCause>();
  for (const upstream of input.upstreams) {
    const state = input.stateOf(upstream);
    if (state === "open" || state === "ejected") {
      // Without a failure seen (a restored breaker) assume the narrower claim: this path.
      out.set(upstream.base, input.causes.get(upstream.base) ?? "unreachable");
    }
  }
  for (const [url, counts] of input.entries) {
    if (input.known.has(url)) upstreams.push(entry(url, counts, out.get(url)));
  }
  for (const [url, cause] of out) {
    if (input.known.has(url) && !input.entries.has(url))
      upstreams.push(entry(url, undefined, cause));
  }
  if (upstreams.length === 0 && input.heartbeats === undefined) return undefined;
  const batch: HubReportBatch = {};
  if (input.colo !== undefined) batch.colo = input.colo;
  if (upstreams.length > 0) batch.upstreams = upstreams;
  if (input.heartbeats !== undefined) batch.heartbeats = input.heartbeats;
  return batch;
}

function entry(
  url: string,
  counts: OutcomeCounts | undefined,
  cause: TripCause | undefined,
): HubUpstreamReport {
  const report: HubUpstreamReport = {
    url,
    successes: counts?.successes ?? 0,
    failures: counts?.failures ?? 0,
    networkErrors: counts?.networkErrors ?? 0,
    timeouts: counts?.timeouts ?? 0,
  };
  if (counts !== undefined && counts.latencyCount > 0) {
    report.latency = {
      count: counts.latencyCount,
      sumMs: round(counts.latencySum),
      maxMs: round(counts.latencyMax),
    };
  }
  if (cause !== undefined) {
    report.outOfRotation = {
      answers: cause === "answers" ? 1 : 0,
      unreachable: cause === "unreachable" ? 1 : 0,
    };
  }
  return report;
}

// Sub-microsecond digits are noise on the wire.
const round = (ms: number) => Math.round(ms * 1000) / 1000;
