import { type Clock, sleep } from "../clock";
import type { ResilientRequestInit } from "../core/create-call";
import type { AttemptOutcome, Classification } from "../guard/classify";
import { isTimeoutError } from "../guard/classify";
import type {
  HealthHost,
  HealthSession,
  HealthSource,
  HealthStatus,
  HealthUpstream,
} from "../health-source";
import { HUB_API_VERSION, HUB_PASSIVE } from "../protocol";
import type { FetchLike } from "../types";
import { Channel } from "./channel";
import type { HubSyncEvent } from "./hub-events";
import { ABANDONED, type HubReply, hubRequest } from "./hub-request";
import {
  type HubSyncOptions,
  type ResolvedHubSyncOptions,
  resolveHubSyncOptions,
} from "./hub-sync-options";
import { runLease } from "./lease-runner";
import { RemoteState } from "./remote-state";
import { buildReport, type LeaseResults, type TripCause } from "./report-body";
import { type OutcomeKind, ReportQueue } from "./report-queue";
import { parseSnapshot, type RemoteLease } from "./snapshot";
import type { Timed } from "./timed";

/** How often a call waiting for the first snapshot looks whether it has arrived, ms. */
const FIRST_SYNC_POLL = 10;

type WaitUntil = ResilientRequestInit["waitUntil"];

/**
 * Shares health through the health hub: `createClient({ health: hubSync({ … }) })`.
 *
 * The client reports what it sees (outcomes per upstream, by kind, with latency, and which
 * upstreams its breaker or outlier ejection holds out of rotation) in batches, and applies the
 * hub's snapshot: its own location's verdict while fresh, else the global one. `down` keeps
 * new calls away (like an ejection: panic mode still applies); `degraded` (the breaker hint
 * `half-open`) lets one call at a time through; a `drain` keeps new calls away whatever the
 * verdict; remote latency seeds the p2c estimate of upstreams with no local samples. Remote
 * state older than its TTL is ignored. When the hub hands this location a probe lease, the
 * client runs the edge heartbeats and posts the results.
 *
 * None of it is on the caller's path: a slow, failing or lying hub changes nothing for calls
 * but an event (`client.on("hub", …)`). Only a fresh client's first calls may wait for the
 * first snapshot, for at most `firstSync` ms.
 *
 * Where it runs: off Cloudflare, on background timers of the client's clock, until
 * `client.close()` (which flushes the last report and leaves nothing running). On Workers,
 * there are no timers outside a request: sync work starts from calls and is handed to the
 * call's `waitUntil`, and no call ever waits on I/O another request started.
 *
 * @example
 * ```ts
 * import { createClient } from "resilient-fetch";
 * import { hubSync } from "resilient-fetch/hub";
 *
 * const client = createClient({
 *   upstreams: ["https://a.internal", "https://b.internal"],
 *   health: hubSync({ hub: "https://hub.example.workers.dev", service: "payments", token: process.env.HUB_REPORT_TOKEN! }),
 * });
 * ```
 */
export function hubSync(options: HubSyncOptions): HealthSource {
  const resolved = resolveHubSyncOptions(options);
  return { attach: (host) => new HubSyncSession(resolved, host) };
}

class HubSyncSession implements HealthSession {
  readonly #o: ResolvedHubSyncOptions;
  readonly #host: HealthHost;
  readonly #clock: Clock;
  readonly #queue: ReportQueue;
  readonly #remote: RemoteState;
  readonly #causes = new Map<string, TripCause>();
  readonly #refresh: Channel;
  readonly #report: Channel;
  readonly #healthPath: string;
  readonly #reportPath: string;
  /** Snapshot requests and probes in flight: closing abandons them (not a report). */
  readonly #abortable = new Set<Timed<unknown>>();
  readonly #unsubscribe: Array<() => void>;
  #etag: string | null = null;
  #learnedColo: string | undefined;
  #heartbeats: LeaseResults | undefined;
  #leaseBusyUntil = -Infinity;
  #urgent = false;
  #sealAt: number;
  #wakeAt = 0;
  #timer: unknown;
  #timerAt = Infinity;
  #firstUntil = -1;
  /** The first refresh, which off Workers every waiting call may await. */
  #firstJob: Promise<void> | undefined;
  #firstDone: boolean;
  #closed = false;
  #closing: Promise<void> | undefined;
  #reportJob: Promise<void> | undefined;
  #refreshJob: Promise<void> | undefined;

  constructor(options: ResolvedHubSyncOptions, host: HealthHost) {
    this.#o = options;
    this.#host = host;
    const { clock, random } = host.options;
    this.#clock = clock;
    this.#queue = new ReportQueue(options.maxQueued);
    this.#remote = new RemoteState(options.ttl);
    this.#refresh = new Channel(options.refreshInterval, options.maxBackoff, random);
    this.#report = new Channel(options.reportInterval, options.maxBackoff, random);
    this.#report.nextAt = clock.now() + options.reportInterval;
    this.#sealAt = this.#report.nextAt;
    this.#firstDone = options.firstSync === 0;
    const service = encodeURIComponent(options.service);
    const query = options.colo === undefined ? "" : `?colo=${options.colo}`;
    this.#healthPath = `/${HUB_API_VERSION}/services/${service}/health${query}`;
    this.#reportPath = `/${HUB_API_VERSION}/services/${service}/reports`;
    // The client's own breaker opening or ejection is news for the hub: report it at once.
    const trip = () => this.#hurry();
    this.#unsubscribe = [
      host.events.on("breaker", (event) => {
        if (event.to === "open") trip();
      }),
      host.events.on("eject", trip),
    ];
    if (options.background) this.#tick(clock.now(), undefined);
  }

  beforeCall(init: ResilientRequestInit | undefined): Promise<void> | undefined {
    if (this.#closed) return undefined;
    let started: Promise<void> | undefined;
    if (!this.#o.background) {
      const now = this.#clock.now();
      if (now >= this.#wakeAt) started = this.#tick(now, init?.waitUntil);
    }
    return this.#firstDone ? undefined : this.#firstWait(started);
  }

  record(
    upstream: HealthUpstream,
    classification: Classification,
    outcome: AttemptOutcome,
    durationMs: number,
  ): void {
    if (classification === "ignore" || this.#closed) return;
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
    if (this.#queue.record(upstream.base, kind, durationMs) === this.#o.reportAfter) this.#hurry();
  }

  status(upstream: HealthUpstream, now: number): HealthStatus | undefined {
    if (this.#remote.due(now)) this.#applyRemote(now, undefined);
    return this.#remote.status(upstream.base, now);
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  /** Starts whatever is due; returns the snapshot refresh it started, if any. */
  #tick(now: number, waitUntil: WaitUntil): Promise<void> | undefined {
    if (this.#closed) return undefined;
    if (this.#remote.due(now)) this.#applyRemote(now, undefined);
    if (now >= this.#sealAt) {
      this.#seal(now);
      this.#sealAt = now + this.#o.reportInterval;
    }
    let started: Promise<void> | undefined;
    if (this.#refresh.due(now)) started = this.#startRefresh(now, waitUntil);
    if (this.#report.due(now, this.#urgent)) this.#startReport(now, waitUntil);
    this.#plan(now);
    return started;
  }

  /** Works out when something is next due; off Workers, arms the one background timer for it. */
  #plan(now: number): void {
    if (this.#closed) return;
    const refresh = this.#refresh;
    const report = this.#report;
    let wake = Math.min(this.#sealAt, refresh.idle(now) ? refresh.nextAt : now + this.#o.timeout);
    if (report.idle(now))
      wake = Math.min(wake, this.#urgent && report.failures === 0 ? now : report.nextAt);
    this.#wakeAt = wake;
    if (!this.#o.background || wake >= this.#timerAt) return;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timerAt = wake;
    this.#timer = this.#clock.setTimeout(
      () => {
        this.#timer = undefined;
        this.#timerAt = Infinity;
        this.#tick(this.#clock.now(), undefined);
      },
      Math.max(0, wake - now),
    );
  }

  #hurry(): void {
    this.#urgent = true;
    if (this.#o.background) this.#plan(this.#clock.now());
    else this.#wakeAt = 0;
  }

  #firstWait(own: Promise<void> | undefined): Promise<void> | undefined {
    const now = this.#clock.now();
    const remaining = this.#firstUntil - now;
    if (this.#firstUntil < 0 || remaining <= 0) {
      // No refresh under way (closed, or the hub backing off), or the bound is spent.
      if (this.#firstUntil >= 0) this.#firstDone = true;
      return undefined;
    }
    // On Workers a call may only await I/O its own request started; off Workers any call may.
    const job = own ?? (this.#o.background ? this.#firstJob : undefined);
    if (job !== undefined) {
      return new Promise<void>((resolve) => {
        const timer = this.#clock.setTimeout(resolve, remaining);
        job.then(() => {
          this.#clock.clearTimeout(timer);
          resolve();
        });
      });
    }
    // Another request started it: look now and then instead of awaiting its I/O.
    return this.#poll();
  }

  async #poll(): Promise<void> {
    for (let now = this.#clock.now(); !this.#firstDone && now < this.#firstUntil; ) {
      await sleep(this.#clock, Math.min(FIRST_SYNC_POLL, this.#firstUntil - now));
      now = this.#clock.now();
    }
  }

  #send(path: string, init: RequestInit): Timed<HubReply> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.#o.token}` };
    Object.assign(headers, init.headers);
    return hubRequest(this.#o.hub, path, { ...init, headers }, this.#clock, this.#o.timeout);
  }

  #track<T>(pending: Timed<T>): Timed<T> {
    this.#abortable.add(pending);
    pending.result.then(() => this.#abortable.delete(pending));
    return pending;
  }

  #startRefresh(now: number, waitUntil: WaitUntil): Promise<void> {
    const token = this.#refresh.start(now, 2 * this.#o.timeout);
    if (this.#firstUntil < 0) this.#firstUntil = now + this.#o.firstSync;
    const headers: Record<string, string> = {};
    if (this.#etag !== null) headers["if-none-match"] = this.#etag;
    const job = this.#track(this.#send(this.#healthPath, { headers })).result.then((reply) =>
      this.#refreshed(token, reply, waitUntil),
    );
    waitUntil?.(job);
    this.#firstJob ??= job;
    this.#refreshJob = job;
    return job;
  }

  #refreshed(token: number, reply: HubReply, waitUntil: WaitUntil): Promise<void> | undefined {
    this.#firstDone = true;
    const now = this.#clock.now();
    if (!this.#refresh.current(token)) return undefined;
    let lease: RemoteLease | undefined;
    if (!reply.ok) {
      this.#unreachable("snapshot", reply.status, reply.error, this.#refresh.failed(now));
    } else if (reply.status === 304) {
      this.#refresh.succeeded(now);
      this.#remote.confirm(now);
      this.#applyRemote(now, true);
    } else {
      try {
        const snapshot = parseSnapshot(reply.body, this.#o.colo ?? this.#learnedColo);
        this.#etag = reply.etag;
        lease = snapshot.lease;
        if (lease !== undefined) this.#learnedColo ??= lease.colo;
        this.#refresh.succeeded(now);
        this.#remote.receive(snapshot, now);
        this.#applyRemote(now, false);
      } catch (error) {
        this.#etag = null;
        const message = error instanceof Error ? error.message : String(error);
        this.#unreachable("snapshot", reply.status, message, this.#refresh.failed(now));
      }
    }
    this.#plan(now);
    if (lease === undefined || this.#closed || now < this.#leaseBusyUntil) return undefined;
    return this.#runLease(lease, waitUntil);
  }

  async #runLease(lease: RemoteLease, waitUntil: WaitUntil): Promise<void> {
    this.#leaseBusyUntil = this.#clock.now() + 2 * lease.timeout;
    const transport = this.#host.options.fetch ?? (globalThis.fetch as FetchLike);
    const results = await runLease(lease, transport, this.#clock, (probe) => this.#track(probe));
    this.#leaseBusyUntil = -Infinity;
    if (this.#closed) return;
    const ok = results.filter((result, i) =>
      lease.targets[i]!.expectedStatus.includes(result.status ?? -1),
    ).length;
    this.#emit({ type: "lease", at: this.#clock.now(), id: lease.id, targets: results.length, ok });
    this.#heartbeats = { leaseId: lease.id, results };
    // Post the results from this same job (on Workers: within the same waitUntil).
    this.#urgent = true;
    const now = this.#clock.now();
    if (this.#report.due(now, true)) await this.#startReport(now, waitUntil);
    else this.#plan(now);
  }

  #seal(now: number): void {
    const dropped = this.#queue.seal();
    if (dropped > 0) this.#emit({ type: "dropped", at: now, outcomes: dropped, reason: "bound" });
  }

  #startReport(now: number, waitUntil: WaitUntil): Promise<void> {
    this.#urgent = false;
    const snapshot = this.#remote.snapshot;
    if (snapshot === undefined) {
      // Which upstreams the hub knows comes with the first snapshot; keep counting till then.
      this.#report.nextAt = now + this.#report.interval;
      return Promise.resolve();
    }
    this.#seal(now);
    this.#sealAt = now + this.#o.reportInterval;
    const { batches, entries, outcomes } = this.#queue.take();
    const heartbeats = this.#heartbeats;
    const upstreams = this.#host.pool.list;
    const body = buildReport({
      colo: this.#o.colo,
      entries,
      upstreams,
      stateOf: (upstream) => this.#host.fleet.stateOf(upstream, now),
      causes: this.#causes,
      known: new Set(snapshot.upstreams.map((remote) => remote.url)),
      heartbeats,
    });
    if (body === undefined) {
      // Nothing the hub would take (no outcomes, or only for upstreams it does not know).
      this.#queue.acknowledge(batches);
      this.#report.succeeded(now);
      return Promise.resolve();
    }
    const json = JSON.stringify(body);
    const token = this.#report.start(now, 2 * this.#o.timeout);
    const job = this.#send(this.#reportPath, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: json,
    }).result.then((reply) => {
      const at = this.#clock.now();
      if (!this.#report.current(token)) return;
      const refused = !reply.ok && (reply.status === 400 || reply.status === 413);
      if (reply.ok || refused || reply.status === 409) {
        this.#report.succeeded(at);
        if (this.#heartbeats === heartbeats) this.#heartbeats = undefined;
        // The hub forgets out-of-rotation state it is not told again within its TTL.
        if (body.upstreams?.some((entry) => entry.outOfRotation !== undefined)) {
          const keepAlive = at + HUB_PASSIVE.rotationTtlMs / 2;
          if (keepAlive < this.#report.nextAt) this.#report.nextAt = keepAlive;
        }
      }
      if (reply.ok) {
        this.#queue.acknowledge(batches);
        this.#emit({
          type: "report",
          at,
          bytes: json.length,
          upstreams: body.upstreams?.length ?? 0,
          heartbeats: heartbeats?.results.length ?? 0,
          outcomes,
        });
      } else if (refused) {
        // The hub will never take this batch: keeping it would block every later one.
        this.#queue.acknowledge(batches);
        this.#unreachable("report", reply.status, reply.error, 0);
        this.#emit({ type: "dropped", at, outcomes, reason: "refused" });
      } else if (reply.status === 409) {
        // The lease was no longer ours: the outcomes go again, without the heartbeats.
        this.#unreachable("report", reply.status, reply.error, 0);
        this.#urgent = outcomes > 0;
      } else {
        this.#unreachable("report", reply.status, reply.error, this.#report.failed(at));
      }
      this.#plan(at);
    });
    this.#reportJob = job;
    waitUntil?.(job);
    return job;
  }

  #applyRemote(now: number, notModified: boolean | undefined): void {
    const excluded = this.#remote.apply(this.#host.pool.list, now);
    if (notModified === undefined) return;
    const snapshot = this.#remote.snapshot!;
    this.#emit({ type: "snapshot", at: now, version: snapshot.version, notModified, excluded });
  }

  #unreachable(
    request: "snapshot" | "report",
    status: number | undefined,
    error: string,
    retryInMs: number,
  ): void {
    this.#emit({ type: "unreachable", at: this.#clock.now(), request, status, error, retryInMs });
  }

  #emit(event: HubSyncEvent): void {
    const events = this.#host.events;
    if (events.has("hub")) events.emit("hub", event);
  }

  async #shutdown(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    const now = this.#clock.now();
    const reporting = this.#report.idle(now) ? undefined : this.#reportJob;
    // Without a snapshot the last report cannot be sent (which upstreams the hub knows comes
    // with it): a first refresh under way may finish. Anything else is of no use any more.
    const first = this.#remote.snapshot === undefined && !this.#refresh.idle(now);
    if (first) await this.#refreshJob;
    for (const pending of this.#abortable) pending.abort(ABANDONED);
    this.#refresh.abandon();
    await reporting;
    // The last report: whatever was counted, sent once, backing off or not.
    this.#report.abandon();
    await this.#startReport(this.#clock.now(), undefined);
  }
}
