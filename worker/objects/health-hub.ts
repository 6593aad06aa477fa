import { DurableObject } from "cloudflare:workers";
import type { HubConfig, HubEventsPage, HubProbeLease } from "../../src/protocol";
import type { Issue } from "../http/errors";
import type { ConfigBody, ReportBody } from "../http/schemas";
import { etagMatches } from "../model/etag";
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
import { offerLease } from "../model/lease-offer";
import { reportIssues } from "../model/report-check";
import { buildSnapshot } from "../model/snapshot";
import { allowsPrivateUpstreams, privateUpstreamError, probeUrlOf } from "../model/url";
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

/** A refusal the Worker turns into a JSON error response. */
export type Refusal = { ok: false; status: 400 | 404 | 409; error: string; issues?: Issue[] };
/** The result of an RPC call: the value, or why not. */
export type Reply<T> = { ok: true; value: T } | Refusal;
/** The result of `health()`: a body to send, "not modified", or a refusal. */
export type HealthReply =
  | { ok: true; status: 200; etag: string; body: string }
  | { ok: true; status: 304; etag: string }
  | Refusal;

const UNKNOWN: Refusal = { ok: false, status: 404, error: "unknown service" };
const hasTables = (sql: SqlStorage) =>
  sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' LIMIT 1").toArray().length > 0;
const newLeaseId = () => crypto.randomUUID();

/**
 * One service's health hub: a SQLite-backed Durable Object (one per service, addressed by
 * `idFromName(service)`). It runs the heartbeats on its alarm, takes reports, hands out
 * probe leases, serves snapshots and events by RPC, and pushes snapshots to hibernatable
 * WebSockets when a verdict changes. Decisions are made by the pure reducer; this class
 * only sequences I/O around it.
 *
 * @example
 * ```ts
 * const hub = env.HUB.get(env.HUB.idFromName("payments"));
 * const reply = await hub.health("AMS", null, true);
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
  private cached: { version: number; json: string } | null = null;

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
    });
  }

  /** Creates or replaces the service's config; arms the heartbeat alarm. */
  async configure(
    service: string,
    config: ConfigBody,
  ): Promise<{ created: boolean; config: HubConfig; version: number }> {
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
    const state = this.state;
    if (!state) return UNKNOWN;
    const now = Date.now();
    const entries = batch.upstreams ?? [];
    const results = batch.heartbeats?.results ?? [];
    const issues = reportIssues(state, colo, batch);
    if (issues.length > 0) return { ok: false, status: 400, error: "invalid report", issues };
    if (batch.heartbeats) {
      const refusal = checkLease(state.leases.get(colo), batch.heartbeats.leaseId, colo, now);
      if (refusal) return { ok: false, status: 409, error: refusal };
    }
    const touched = new Set<string>();
    for (const entry of entries) {
      this.store.stageBucket(entry.url, colo, recordReport(state, colo, entry, now));
      touched.add(entry.url);
    }
    for (const result of results) {
      this.store.appendHeartbeat(result.url, colo, recordEdgeHeartbeat(state, colo, result, now));
      touched.add(result.url);
    }
    if (batch.heartbeats) {
      state.leases.delete(colo);
      this.store.deleteLease(colo);
    }
    this.commit(reevaluate(state, now, touched, colo), touched);
    return state.version;
  }

  /**
   * The snapshot, or 304 when `ifNoneMatch` names the current version. A caller that may
   * report (`mayProbe`) also gets the probe lease for `colo` when its heartbeats are due;
   * such a response is never a 304, since it carries the lease.
   */
  async health(colo: string, ifNoneMatch: string | null, mayProbe: boolean): Promise<HealthReply> {
    const state = this.state;
    if (!state) return UNKNOWN;
    const now = Date.now();
    const lease = mayProbe ? this.grant(state, colo, now) : null;
    const etag = lease ? `"${state.version}-${lease.id}"` : `"${state.version}"`;
    if (!lease && ifNoneMatch !== null && etagMatches(ifNoneMatch, etag))
      return { ok: true, status: 304, etag };
    const json = this.snapshotJson(state, now);
    const body = lease ? `${json.slice(0, -1)},"lease":${JSON.stringify(lease)}}` : json;
    return { ok: true, status: 200, etag, body };
  }

  /** One page of the event log, newest first. */
  async events(limit: number, before?: number): Promise<Reply<HubEventsPage>> {
    if (!this.state) return UNKNOWN;
    return { ok: true, value: this.store.listEvents(limit, before) };
  }

  /** Only WebSocket subscriptions arrive here; the Worker does all other routing. */
  override async fetch(request: Request): Promise<Response> {
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

  /**
   * Records a change: bumps the version and stages the touched upstreams. Verdict changes
   * (and `urgent` changes) are written at once, with their events, and pushed to
   * subscribers; anything else is written by a flush at most `flushDelayMs` later.
   */
  private commit(events: readonly EventDraft[], touched: Iterable<string>, urgent = false): void {
    const state = this.state!;
    state.version += 1;
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

  private snapshotJson(state: HubState, now: number): string {
    if (this.cached?.version !== state.version) {
      this.cached = { version: state.version, json: JSON.stringify(buildSnapshot(state, now)) };
    }
    return this.cached.json;
  }

  private pushMessage(state: HubState, now: number): string {
    return `{"type":"snapshot","snapshot":${this.snapshotJson(state, now)}}`;
  }
}
