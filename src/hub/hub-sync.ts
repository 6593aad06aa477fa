import type { Clock } from "../clock";
import type { ResilientRequestInit } from "../core/create-call";
import type { AttemptOutcome, Classification } from "../guard/classify";
import type {
  HealthHost,
  HealthSession,
  HealthSource,
  HealthStatus,
  HealthUpstream,
} from "../health-source";
import { FirstSync } from "./first-sync";
import type { HubSyncEvent } from "./hub-events";
import { ABANDONED, type HubReply, hubRequest } from "./hub-request";
import {
  type HubSyncOptions,
  type ResolvedHubSyncOptions,
  resolveHubSyncOptions,
} from "./hub-sync-options";
import { Refresher } from "./refresher";
import { RemoteState } from "./remote-state";
import { Reporter } from "./reporter";
import type { SyncContext, WaitUntil } from "./sync-context";
import type { Timed } from "./timed";

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

/** One client's hub sync: schedules the reporter and the refresher, and closes them. */
class HubSyncSession implements HealthSession, SyncContext {
  readonly options: ResolvedHubSyncOptions;
  readonly host: HealthHost;
  readonly clock: Clock;
  readonly remote: RemoteState;
  closed = false;
  readonly #reporter: Reporter;
  readonly #refresher: Refresher;
  readonly #first: FirstSync;
  readonly #unsubscribe: Array<() => void>;
  /** Piggybacking (Workers): the first call at or after this time starts what is due. */
  #wakeAt = 0;
  #timer: unknown;
  #timerAt = Infinity;
  #closing: Promise<void> | undefined;

  constructor(options: ResolvedHubSyncOptions, host: HealthHost) {
    this.options = options;
    this.host = host;
    this.clock = host.options.clock;
    this.remote = new RemoteState(options.ttl);
    this.#first = new FirstSync(this.clock, options.firstSync);
    this.#reporter = new Reporter(this);
    this.#refresher = new Refresher(this, this.#reporter, this.#first, (now, notModified) =>
      this.#apply(now, notModified),
    );
    // The client's own breaker opening or ejection is news for the hub: report it at once.
    const trip = () => this.#hurry();
    this.#unsubscribe = [
      host.events.on("breaker", (event) => {
        if (event.to === "open") trip();
      }),
      host.events.on("eject", trip),
    ];
    if (options.background) this.#tick(this.clock.now(), undefined);
  }

  beforeCall(init: ResilientRequestInit | undefined): Promise<void> | undefined {
    if (this.closed) return undefined;
    let started: Promise<void> | undefined;
    if (!this.options.background) {
      const now = this.clock.now();
      if (now >= this.#wakeAt) started = this.#tick(now, init?.waitUntil);
    }
    return this.#first.done ? undefined : this.#first.wait(started, this.options.background);
  }

  record(
    upstream: HealthUpstream,
    classification: Classification,
    outcome: AttemptOutcome,
    durationMs: number,
  ): void {
    if (classification === "ignore" || this.closed) return;
    if (this.#reporter.record(upstream, classification, outcome, durationMs)) this.#hurry();
  }

  status(upstream: HealthUpstream, now: number): HealthStatus | undefined {
    if (this.remote.due(now)) this.#apply(now, undefined);
    return this.remote.status(upstream.base, now);
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  send(path: string, init: RequestInit): Timed<HubReply> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.options.token}` };
    Object.assign(headers, init.headers);
    const { hub, timeout } = this.options;
    return hubRequest(hub, path, { ...init, headers }, this.clock, timeout);
  }

  emit(event: HubSyncEvent): void {
    const events = this.host.events;
    if (events.has("hub")) events.emit("hub", event);
  }

  /** Works out when something is next due; off Workers, arms the one background timer for it. */
  plan(now: number): void {
    if (this.closed) return;
    const refresh = this.#refresher.channel;
    const refreshAt = refresh.idle(now) ? refresh.nextAt : now + this.options.timeout;
    const wake = Math.min(refreshAt, this.#reporter.wakeAt(now));
    this.#wakeAt = wake;
    if (!this.options.background || wake >= this.#timerAt) return;
    if (this.#timer !== undefined) this.clock.clearTimeout(this.#timer);
    this.#timerAt = wake;
    this.#timer = this.clock.setTimeout(
      () => {
        this.#timer = undefined;
        this.#timerAt = Infinity;
        this.#tick(this.clock.now(), undefined);
      },
      Math.max(0, wake - now),
    );
  }

  /** Starts whatever is due; returns the snapshot refresh it started, if any. */
  #tick(now: number, waitUntil: WaitUntil): Promise<void> | undefined {
    if (this.closed) return undefined;
    if (this.remote.due(now)) this.#apply(now, undefined);
    this.#reporter.sealIfDue(now);
    let started: Promise<void> | undefined;
    if (this.#refresher.channel.due(now)) started = this.#refresher.start(now, waitUntil);
    if (this.#reporter.due(now)) this.#reporter.start(now, waitUntil);
    this.plan(now);
    return started;
  }

  #hurry(): void {
    this.#reporter.urgent = true;
    if (this.options.background) this.plan(this.clock.now());
    else this.#wakeAt = 0;
  }

  /** Applies the remote state held; with `notModified` set, a snapshot just came (event). */
  #apply(now: number, notModified: boolean | undefined): void {
    const excluded = this.remote.apply(this.host.pool.list, now);
    if (notModified === undefined) return;
    const version = this.remote.snapshot!.version;
    this.emit({ type: "snapshot", at: now, version, notModified, excluded });
  }

  async #shutdown(): Promise<void> {
    this.closed = true;
    if (this.#timer !== undefined) this.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    const now = this.clock.now();
    const reporter = this.#reporter;
    const refresher = this.#refresher;
    const reporting = reporter.channel.idle(now) ? undefined : reporter.job;
    // Without a snapshot the last report cannot be sent (which upstreams the hub knows comes
    // with it): a first refresh under way may finish. Anything else is of no use any more.
    if (this.remote.snapshot === undefined && !refresher.channel.idle(now)) await refresher.job;
    refresher.abandon(ABANDONED);
    await reporting;
    // The last report: whatever was counted, sent once, backing off or not.
    reporter.abandon();
    await reporter.start(this.clock.now(), undefined);
  }
}
