import { HUB_API_VERSION } from "../protocol";
import type { FetchLike } from "../types";
import { Channel } from "./channel";
import type { FirstSync } from "./first-sync";
import type { HubReply } from "./hub-request";
import { runLease } from "./lease-runner";
import type { Reporter } from "./reporter";
import { parseSnapshot, type RemoteLease } from "./snapshot";
import { type SyncContext, unreachable, type WaitUntil } from "./sync-context";
import type { Timed } from "./timed";

/**
 * The reading half of hub sync: refreshes the snapshot with `If-None-Match`, applies it,
 * and runs the probe lease a snapshot may hand this location, posting the results through
 * the reporter within the same job (on Workers: the same `waitUntil`).
 *
 * @example
 * ```ts
 * const refresher = new Refresher(context, reporter, first, (now, notModified) => apply(now, notModified));
 * if (refresher.channel.due(now)) refresher.start(now, waitUntil);
 * ```
 */
export class Refresher {
  readonly channel: Channel;
  /** The refresh in flight (or the last one). */
  job: Promise<void> | undefined;
  /** Requests and probes in flight, which closing abandons. */
  readonly inFlight = new Set<Timed<unknown>>();
  readonly #context: SyncContext;
  readonly #reporter: Reporter;
  readonly #first: FirstSync;
  readonly #applied: (now: number, notModified: boolean) => void;
  readonly #path: string;
  #etag: string | null = null;
  /** The location a lease named, for a client configured without one. */
  #learnedColo: string | undefined;
  #leaseBusyUntil = -Infinity;

  constructor(
    context: SyncContext,
    reporter: Reporter,
    first: FirstSync,
    applied: (now: number, notModified: boolean) => void,
  ) {
    const { options, host } = context;
    this.#context = context;
    this.#reporter = reporter;
    this.#first = first;
    this.#applied = applied;
    this.channel = new Channel(options.refreshInterval, options.maxBackoff, host.options.random);
    const service = encodeURIComponent(options.service);
    const query = options.colo === undefined ? "" : `?colo=${options.colo}`;
    this.#path = `/${HUB_API_VERSION}/services/${service}/health${query}`;
  }

  start(now: number, waitUntil: WaitUntil): Promise<void> {
    const context = this.#context;
    const token = this.channel.start(now, 2 * context.options.timeout);
    const headers: Record<string, string> = {};
    if (this.#etag !== null) headers["if-none-match"] = this.#etag;
    const job = this.#track(context.send(this.#path, { headers })).result.then((reply) =>
      this.#refreshed(token, reply, waitUntil),
    );
    waitUntil?.(job);
    this.#first.opened(now, job);
    this.job = job;
    return job;
  }

  /** Abandons the refresh and probes in flight (closing). */
  abandon(abandoned: HubReply): void {
    for (const pending of this.inFlight) pending.abort(abandoned);
    this.channel.abandon();
  }

  #track<T>(pending: Timed<T>): Timed<T> {
    this.inFlight.add(pending);
    pending.result.then(() => this.inFlight.delete(pending));
    return pending;
  }

  #refreshed(token: number, reply: HubReply, waitUntil: WaitUntil): Promise<void> | undefined {
    const context = this.#context;
    this.#first.done = true;
    const now = context.clock.now();
    if (!this.channel.current(token)) return undefined;
    let lease: RemoteLease | undefined;
    if (!reply.ok) {
      unreachable(context, "snapshot", reply.status, reply.error, this.channel.failed(now));
    } else if (reply.status === 304) {
      this.channel.succeeded(now);
      context.remote.confirm(now);
      this.#applied(now, true);
    } else {
      try {
        const snapshot = parseSnapshot(reply.body, context.options.colo ?? this.#learnedColo);
        this.#etag = reply.etag;
        lease = snapshot.lease;
        if (lease !== undefined) this.#learnedColo ??= lease.colo;
        this.channel.succeeded(now);
        context.remote.receive(snapshot, now);
        this.#applied(now, false);
      } catch (error) {
        this.#etag = null;
        const message = error instanceof Error ? error.message : String(error);
        unreachable(context, "snapshot", reply.status, message, this.channel.failed(now));
      }
    }
    context.plan(now);
    if (lease === undefined || context.closed || now < this.#leaseBusyUntil) return undefined;
    return this.#runLease(lease, waitUntil);
  }

  async #runLease(lease: RemoteLease, waitUntil: WaitUntil): Promise<void> {
    const context = this.#context;
    const clock = context.clock;
    this.#leaseBusyUntil = clock.now() + 2 * lease.timeout;
    const transport = context.host.options.fetch ?? (globalThis.fetch as FetchLike);
    const results = await runLease(lease, transport, clock, (probe) => this.#track(probe));
    this.#leaseBusyUntil = -Infinity;
    if (context.closed) return;
    const ok = results.filter((result, i) =>
      lease.targets[i]!.expectedStatus.includes(result.status ?? -1),
    ).length;
    context.emit({ type: "lease", at: clock.now(), id: lease.id, targets: results.length, ok });
    const reporter = this.#reporter;
    reporter.heartbeats = { leaseId: lease.id, results };
    // Post the results from this same job (on Workers: within the same waitUntil).
    reporter.urgent = true;
    const now = clock.now();
    if (reporter.due(now)) await reporter.start(now, waitUntil);
    else context.plan(now);
  }
}
