import { DurableObject } from "cloudflare:workers";
import type {
  HubConfig,
  HubEventsPage,
  HubHeartbeatResult,
  HubLoad,
  HubProbeLease,
  HubUpstreamReport,
} from "../../src/protocol";
import type { ConfigBody, ReportBody } from "../http/schemas";
import { etagMatches } from "../model/etag";
import { newHubLoad, snapshotLoad } from "../model/hub-load";
import {
  applyConfig,
  drainEvents,
  recordEdgeHeartbeat,
  recordHubHeartbeat,
  recordReport,
  reevaluate,
} from "../model/hub-reducer";
import { createHubState, type EventDraft, type HubState } from "../model/hub-state";
import { checkLease } from "../model/lease";
import { leaseDueAt, offerLease } from "../model/lease-offer";
import { locationSettings } from "../model/location-settings";
import { locationsOf, publishIntervalMs } from "../model/publish-interval";
import type { RelayFlush } from "../model/relay-batch";
import { refusesLocation, reportIssues } from "../model/report-check";
import { buildSnapshot } from "../model/snapshot";
import { allowsPrivateUpstreams, privateUpstreamError, probeUrlOf } from "../model/url";
import type { HealthReply, LeaseAnswer, Refusal, RelayAck, RelayInfo, Reply } from "./hub-rpc";
import { HubStore } from "./hub-store";
import { type Prober, probeUpstream } from "./probe";

/** The first heartbeat after a config change comes this soon (or one interval, if shorter). */
export const FIRST_HEARTBEAT_DELAY_MS = 1_000;
/**
 * Report-driven changes wait at most this long in memory before they are written, so a
 * burst of reports is one commit. A crash can lose that much of the passive counts; verdict
 * changes, events, heartbeats, leases and configs are written at once.
 */
export const FLUSH_DELAY_MS = 1_000;

export type { HealthReply, Refusal, Reply } from "./hub-rpc";

const UNKNOWN: Refusal = { ok: false, status: 404, error: "unknown service" };
const hasTables = (sql: SqlStorage) =>
  sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' LIMIT 1").toArray().length > 0;
const newLeaseId = () => crypto.randomUUID();

/**
 * One service's health hub: a SQLite-backed Durable Object (one per service, addressed by
 * `idFromName(service)`). It runs the heartbeats on its alarm, takes reports (straight from
 * the Worker, or merged by the locations' relays), hands out probe leases, serves
 * snapshots and events by RPC, and pushes snapshots to hibernatable WebSockets when a
 * verdict changes. Decisions are made by the pure reducer; this class only sequences I/O
 * around it, and counts what it is asked ({@link HubLoad}).
 *
 * @example
 * ```ts
 * const hub = env.HUB.get(env.HUB.idFromName("payments"));
 * const reply = await hub.health(null, "AMS");
 * ```
 */
export class HealthHub extends DurableObject<Env> {
  /** Runs one heartbeat; replaceable in tests. */
  prober: Prober = probeUpstream;
  /** How long report-driven changes may wait in memory before they are written. */
  flushDelayMs = FLUSH_DELAY_MS;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private state: HubState | null = null;
  private readonly store: HubStore;
  /** The snapshot readers get: built at `version`, at `at`, listing `locations`. */
  private published: { version: number; json: string; at: number; locations: number } | null = null;
  /** The last version whose change must be published at once. */
  private urgentVersion = 0;
  private readonly counts: HubLoad = newHubLoad(Date.now());
  /** Changes whenever the config does, so relays know to ask for the upstreams again. */
  private configTag = 0;
  /** Per location, the id of the last relay flush taken, so a resend counts once. */
  private readonly lastFlush = new Map<string, string>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new HubStore(ctx.storage.sql);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
    void ctx.blockConcurrencyWhile(async () => {
      // Every service name is an object of its own; one that was never configured has no
      // tables, and reading it must not create them (or any name would cost storage).
      if (!hasTables(ctx.storage.sql)) return;
      this.store.migrate();
      this.state = this.store.load(Date.now());
      this.configTag = this.state?.version ?? 0;
    });
  }

  /** Creates or replaces the service's config; arms the heartbeat alarm. */
  async configure(
    service: string,
    config: ConfigBody,
  ): Promise<{ created: boolean; config: HubConfig; version: number }> {
    this.counts.requests.total++;
    this.counts.requests.other++;
    const now = Date.now();
    const created = this.state === null;
    let removed: string[] = [];
    let drains: EventDraft[];
    if (this.state === null) {
      this.store.migrate();
      this.state = createHubState(service, config, now);
      drains = drainEvents(null, config, this.state.upstreams, now);
    } else ({ removed, events: drains } = applyConfig(this.state, config, now));
    const state = this.state;
    this.store.saveConfig(state, removed, now);
    this.commit([...drains, ...reevaluate(state, now)], state.upstreams.keys(), true);
    this.configTag = state.version;
    const due = now + Math.min(config.heartbeat.interval, FIRST_HEARTBEAT_DELAY_MS);
    const alarm = await this.ctx.storage.getAlarm();
    if (alarm === null || alarm > due) await this.ctx.storage.setAlarm(due);
    return { created, config: state.config, version: state.version };
  }

  /**
   * Takes one batch of passive outcomes and/or leased heartbeat results from `colo`.
   * Returns the version after it (the Worker builds the acknowledgement, since it knows
   * what it sent), or why it was refused. A number rather than an object because this
   * runs for every report: the reply crosses the RPC boundary and a smaller one measurably
   * cuts what each report allocates.
   */
  async report(colo: string, batch: ReportBody): Promise<number | Refusal> {
    this.counts.requests.total++;
    this.counts.requests.reports++;
    const state = this.state;
    if (!state) return UNKNOWN;
    const now = Date.now();
    const issues = reportIssues(state, colo, batch);
    if (issues.length > 0) return { ok: false, status: 400, error: "invalid report", issues };
    if (batch.heartbeats) {
      const refusal = checkLease(state.leases.get(colo), batch.heartbeats.leaseId, colo, now);
      if (refusal) return { ok: false, status: 409, error: refusal };
    }
    this.ingest(state, colo, batch.upstreams ?? [], batch.heartbeats?.results ?? [], now);
    if (batch.heartbeats) {
      state.leases.delete(colo);
      this.store.deleteLease(colo);
    }
    return state.version;
  }

  /**
   * Takes one flush of merged reports from the relay of `colo`. The relay checked the
   * entries against {@link relayInfo}; entries the config no longer takes (it changed
   * since) are dropped. A flush whose `id` was the last one taken from `colo` is a resend
   * and counts nothing.
   */
  async absorb(colo: string, flush: RelayFlush): Promise<RelayAck | Refusal> {
    this.counts.requests.total++;
    this.counts.requests.flushes++;
    const state = this.state;
    if (!state) return UNKNOWN;
    if (this.lastFlush.get(colo) !== flush.id) {
      this.lastFlush.set(colo, flush.id);
      this.counts.relayedReports += flush.reports;
      const entries = flush.entries.filter(
        (e) => state.upstreams.has(e.url) && !refusesLocation(state, e.url, colo),
      );
      if (entries.length > 0) this.ingest(state, colo, entries, [], Date.now());
    }
    return { version: state.version, configTag: this.configTag };
  }

  /** What the relay of `colo` checks reports against. */
  async relayInfo(colo: string): Promise<RelayInfo | Refusal> {
    this.counts.requests.total++;
    this.counts.requests.relayInfos++;
    const state = this.state;
    if (!state) return UNKNOWN;
    const upstreams = [...state.upstreams.keys()];
    const refused = upstreams.filter((url) => refusesLocation(state, url, colo));
    return { version: state.version, configTag: this.configTag, upstreams, refused };
  }

  /**
   * The snapshot, or 304 when `ifNoneMatch` names the current version. With `leaseColo`
   * (a caller that may report), also whether that location's probe lease goes to this
   * caller, and when one may be due there next. The snapshot never holds the lease: the
   * Worker caches snapshots per location and adds a lease only to the one response that
   * carries it. A granted lease always comes with the body.
   */
  async health(ifNoneMatch: string | null, leaseColo: string | null): Promise<HealthReply> {
    const requests = this.counts.requests;
    requests.total++;
    requests.snapshots++;
    const state = this.state;
    if (!state) return UNKNOWN;
    const now = Date.now();
    let lease: LeaseAnswer | null = null;
    if (leaseColo !== null) {
      requests.leaseAsks++;
      const offer = this.grant(state, leaseColo, now);
      if (offer) requests.leasesGranted++;
      lease = { offer, dueAt: leaseDueAt(state, leaseColo, now) };
    }
    const body = this.snapshotJson(state, now);
    const version = this.published!.version;
    const etag = `"${version}"`;
    if (!lease?.offer && ifNoneMatch !== null && etagMatches(ifNoneMatch, etag)) {
      requests.notModified++;
      return { ok: true, status: 304, etag, version, lease };
    }
    return { ok: true, status: 200, etag, version, body, lease };
  }

  /** What this object has been asked since it started. */
  async load(): Promise<Reply<HubLoad>> {
    if (!this.state) return UNKNOWN;
    return { ok: true, value: snapshotLoad(this.counts, Date.now()) };
  }

  /** One page of the event log, newest first. */
  async events(limit: number, before?: number): Promise<Reply<HubEventsPage>> {
    this.counts.requests.total++;
    this.counts.requests.other++;
    if (!this.state) return UNKNOWN;
    return { ok: true, value: this.store.listEvents(limit, before) };
  }

  /** Only WebSocket subscriptions arrive here; the Worker does all other routing. */
  override async fetch(request: Request): Promise<Response> {
    this.counts.requests.total++;
    this.counts.requests.other++;
    const state = this.state;
    if (!state) return Response.json({ error: "unknown service" }, { status: 404 });
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return Response.json({ error: "expected a WebSocket upgrade" }, { status: 426 });
    }
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    server.send(this.pushMessage(state, Date.now()));
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Probes every upstream concurrently, records the results, and re-arms itself. */
  override async alarm(): Promise<void> {
    if (!this.state) return;
    try {
      await this.heartbeat();
    } catch (err) {
      console.error("heartbeat round failed", err);
    } finally {
      if (this.state)
        await this.ctx.storage.setAlarm(Date.now() + this.state.config.heartbeat.interval);
    }
  }

  override async webSocketMessage(): Promise<void> {
    // Subscribers only listen; "ping" is answered by the auto-response without waking us.
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {
      // Already closed by the runtime's automatic close reply.
    }
  }

  private async heartbeat(): Promise<void> {
    const config = this.state!.config;
    const { timeout } = config.heartbeat;
    const probe = this.prober;
    const allowPrivate = allowsPrivateUpstreams(this.env);
    const results = await Promise.all(
      config.upstreams.map(async (u) => {
        const target = { url: u.url, probeUrl: probeUrlOf(u.url, u.healthPath) };
        // A config stored where private hosts were allowed is not probed where they are not.
        const refused = privateUpstreamError(u.url, allowPrivate);
        if (refused) return { url: u.url, status: null, latencyMs: 0, error: refused };
        try {
          return await probe(target, timeout);
        } catch (err) {
          return { url: u.url, status: null, latencyMs: timeout, error: String(err).slice(0, 200) };
        }
      }),
    );
    const state = this.state!;
    const now = Date.now();
    const events: EventDraft[] = [];
    for (const result of results) {
      // The config may have changed while the probes ran.
      if (!state.upstreams.has(result.url)) continue;
      const { heartbeat, event } = recordHubHeartbeat(state, result, now);
      this.store.appendHeartbeat(result.url, "hub", heartbeat);
      if (event) events.push(event);
    }
    events.push(...reevaluate(state, now));
    this.store.prune(now);
    this.commit(events, state.upstreams.keys(), true);
  }

  /** Records passive entries and leased heartbeat results from `colo`, then commits. */
  private ingest(
    state: HubState,
    colo: string,
    entries: readonly HubUpstreamReport[],
    results: readonly HubHeartbeatResult[],
    now: number,
  ): void {
    const touched = new Set<string>();
    for (const entry of entries) {
      this.store.stageBucket(entry.url, colo, recordReport(state, colo, entry, now));
      touched.add(entry.url);
    }
    for (const result of results) {
      this.store.appendHeartbeat(result.url, colo, recordEdgeHeartbeat(state, colo, result, now));
      touched.add(result.url);
    }
    this.commit(reevaluate(state, now, touched, colo), touched);
  }

  /**
   * Records a change: bumps the version and stages the touched upstreams. Verdict changes
   * (and `urgent` changes) are written at once, with their events, and pushed to
   * subscribers; anything else is written by a flush at most `flushDelayMs` later.
   */
  private commit(events: readonly EventDraft[], touched: Iterable<string>, urgent = false): void {
    const state = this.state!;
    state.version += 1;
    if (urgent || events.length > 0) this.urgentVersion = state.version;
    this.store.stageChange(touched);
    this.store.stageChange(events.map((e) => e.upstream));
    if (events.length === 0 && !urgent) {
      this.flushTimer ??= setTimeout(() => this.flush(), this.flushDelayMs);
      return;
    }
    this.flush();
    if (events.length === 0) return;
    this.store.appendEvents(events);
    const sockets = this.ctx.getWebSockets();
    if (sockets.length === 0) return;
    const message = this.pushMessage(state, Date.now());
    for (const ws of sockets) {
      try {
        ws.send(message);
      } catch {
        // A socket closing concurrently; its close handler cleans up.
      }
    }
  }

  private flush(): void {
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.state) this.store.flush(this.state);
  }

  private grant(state: HubState, colo: string, now: number): HubProbeLease | null {
    const granted = offerLease(state, colo, now, newLeaseId);
    if (!granted) return null;
    state.leases.set(colo, granted.lease);
    this.store.saveLease(granted.lease);
    return granted.offer;
  }

  /** The published snapshot, first published anew if a change is due (`publishIntervalMs`). */
  private snapshotJson(state: HubState, now: number): string {
    const p = this.published;
    if (p === null || (p.version !== state.version && this.publishDue(p, now))) {
      const json = JSON.stringify(buildSnapshot(state, now));
      this.published = { version: state.version, json, at: now, locations: locationsOf(state) };
      return json;
    }
    return p.json;
  }

  private publishDue(p: { version: number; at: number; locations: number }, now: number) {
    if (this.urgentVersion > p.version) return true;
    // With the location layer off, every read reaches this object: publish every change.
    const { snapshotCacheMs } = locationSettings(this.env);
    if (snapshotCacheMs === 0) return true;
    return now - p.at >= publishIntervalMs(p.locations, snapshotCacheMs);
  }

  private pushMessage(state: HubState, now: number): string {
    return `{"type":"snapshot","snapshot":${this.snapshotJson(state, now)}}`;
  }
}
