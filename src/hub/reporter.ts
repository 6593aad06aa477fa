import type { AttemptOutcome, Classification } from "../guard/classify";
import { isTimeoutError } from "../guard/classify";
import type { HealthUpstream } from "../health-source";
import { HUB_API_VERSION, HUB_PASSIVE } from "../protocol";
import { Channel } from "./channel";
import { buildReport, type LeaseResults, type TripCause } from "./report-body";
import { type OutcomeKind, ReportQueue } from "./report-queue";
import { type SyncContext, unreachable, type WaitUntil } from "./sync-context";

/**
 * The reporting half of hub sync: counts outcomes into bounded batches, seals one every
 * `reportInterval`, and posts what is queued (with the out-of-rotation state and any lease
 * heartbeats) when due, when a batch fills up, or at once when something is `urgent` (a
 * breaker trip, an ejection, lease results).
 *
 * @example
 * ```ts
 * const reporter = new Reporter(context);
 * if (reporter.record(upstream, "failure", { status: 503 }, 12)) hurry();
 * if (reporter.due(now)) reporter.start(now, waitUntil);
 * ```
 */
export class Reporter {
  readonly channel: Channel;
  /** Something the hub should hear now rather than at the next interval. */
  urgent = false;
  /** When the open batch is sealed next. */
  sealAt: number;
  /** The report in flight (or the last one). */
  job: Promise<void> | undefined;
  /** Heartbeat results of a lease, waiting to go with the next report. */
  heartbeats: LeaseResults | undefined;
  readonly #context: SyncContext;
  readonly #queue: ReportQueue;
  readonly #causes = new Map<string, TripCause>();
  readonly #path: string;

  constructor(context: SyncContext) {
    const { options, clock, host } = context;
    this.#context = context;
    this.#queue = new ReportQueue(options.maxQueued);
    this.channel = new Channel(options.reportInterval, options.maxBackoff, host.options.random);
    this.channel.nextAt = clock.now() + options.reportInterval;
    this.sealAt = this.channel.nextAt;
    this.#path = `/${HUB_API_VERSION}/services/${encodeURIComponent(options.service)}/reports`;
  }

  /**
   * Counts one attempt's outcome by what the guard saw: an answer classified as a failure,
   * a network error, or a timeout. Returns true when the open batch just filled up.
   */
  record(
    upstream: HealthUpstream,
    classification: Classification,
    outcome: AttemptOutcome,
    durationMs: number,
  ): boolean {
    let kind: OutcomeKind = "success";
    if (classification === "failure") {
      kind =
        outcome.status !== undefined
          ? "failure"
          : isTimeoutError(outcome.error)
            ? "timeout"
            : "network";
      this.#causes.set(upstream.base, kind === "failure" ? "answers" : "unreachable");
    }
    return (
      this.#queue.record(upstream.base, kind, durationMs) === this.#context.options.reportAfter
    );
  }

  /** Idle and due: at its time, or now when urgent (unless backing off). */
  due(now: number): boolean {
    return this.channel.due(now, this.urgent);
  }

  /** When it is next due, for planning. */
  wakeAt(now: number): number {
    if (!this.channel.idle(now)) return this.sealAt;
    const at = this.urgent && this.channel.failures === 0 ? now : this.channel.nextAt;
    return Math.min(at, this.sealAt);
  }

  /** Closes the open batch when its interval is over. */
  sealIfDue(now: number): void {
    if (now >= this.sealAt) this.#seal(now);
  }

  /** Gives up the report in flight without judging it (closing) and clears any backoff. */
  abandon(): void {
    this.channel.abandon();
    this.channel.failures = 0;
  }

  /** Posts everything queued; resolves once the hub answered (or the request failed). */
  start(now: number, waitUntil: WaitUntil): Promise<void> {
    const context = this.#context;
    this.urgent = false;
    const snapshot = context.remote.snapshot;
    if (snapshot === undefined) {
      // Which upstreams the hub knows comes with the first snapshot; keep counting till then.
      this.channel.nextAt = now + this.channel.interval;
      return Promise.resolve();
    }
    this.#seal(now);
    const { batches, entries, outcomes } = this.#queue.take();
    const heartbeats = this.heartbeats;
    const upstreams = context.host.pool.list;
    this.#forgetRemoved(upstreams);
    const body = buildReport({
      colo: context.options.colo,
      entries,
      upstreams,
      stateOf: (upstream) => context.host.fleet.stateOf(upstream, now),
      causes: this.#causes,
      known: new Set(snapshot.upstreams.map((remote) => remote.url)),
      heartbeats,
    });
    if (body === undefined) {
      // Nothing the hub would take (no outcomes, or only for upstreams it does not know).
      this.#queue.acknowledge(batches);
      this.channel.succeeded(now);
      return Promise.resolve();
    }
    const json = JSON.stringify(body);
    const token = this.channel.start(now, 2 * context.options.timeout);
    const headers = { "content-type": "application/json" };
    const job = context
      .send(this.#path, { method: "POST", headers, body: json })
      .result.then((reply) => {
        const at = context.clock.now();
        if (!this.channel.current(token)) return;
        const refused = !reply.ok && (reply.status === 400 || reply.status === 413);
        if (reply.ok || refused || reply.status === 409) {
          this.channel.succeeded(at);
          if (this.heartbeats === heartbeats) this.heartbeats = undefined;
          // The hub forgets out-of-rotation state it is not told again within its TTL.
          if (body.upstreams?.some((entry) => entry.outOfRotation !== undefined)) {
            const keepAlive = at + HUB_PASSIVE.rotationTtlMs / 2;
            if (keepAlive < this.channel.nextAt) this.channel.nextAt = keepAlive;
          }
        }
        if (reply.ok) {
          this.#queue.acknowledge(batches);
          const sent = body.upstreams?.length ?? 0;
          const beats = heartbeats?.results.length ?? 0;
          context.emit({
            type: "report",
            at,
            bytes: json.length,
            upstreams: sent,
            heartbeats: beats,
            outcomes,
          });
        } else if (refused) {
          // The hub will never take this batch: keeping it would block every later one.
          this.#queue.acknowledge(batches);
          unreachable(context, "report", reply.status, reply.error, 0);
          context.emit({ type: "dropped", at, outcomes, reason: "refused" });
        } else if (reply.status === 409) {
          // The lease was no longer ours: the outcomes go again, without the heartbeats.
          unreachable(context, "report", reply.status, reply.error, 0);
          this.urgent = outcomes > 0;
        } else {
          unreachable(context, "report", reply.status, reply.error, this.channel.failed(at));
        }
        context.plan(at);
      });
    this.job = job;
    waitUntil?.(job);
    return job;
  }

  #seal(now: number): void {
    this.sealAt = now + this.#context.options.reportInterval;
    const dropped = this.#queue.seal();
    if (dropped > 0) {
      this.#context.emit({ type: "dropped", at: now, outcomes: dropped, reason: "bound" });
    }
  }

  // Upstreams removed by setUpstreams leave no trace behind.
  #forgetRemoved(upstreams: readonly HealthUpstream[]): void {
    if (this.#causes.size <= upstreams.length) return;
    const current = new Set(upstreams.map((upstream) => upstream.base));
    for (const base of this.#causes.keys()) if (!current.has(base)) this.#causes.delete(base);
  }
}
