import type { HubEventsPage, HubHeartbeat } from "../../src/protocol";
import { HUB_PASSIVE } from "../../src/protocol";
import {
  type EventDraft,
  type HubState,
  newUpstreamState,
  type UpstreamState,
} from "../model/hub-state";
import type { Lease } from "../model/lease";
import type { Bucket } from "../model/passive";
import {
  fromConfigRow,
  fromUpstreamRow,
  MIGRATIONS,
  SCHEMA,
  toBucket,
  toEvent,
  toHeartbeat,
  upstreamRow,
} from "./hub-rows";

/** Heartbeat results and report buckets are kept this long. */
export const HISTORY_RETENTION_MS = 60 * 60_000;
/** The event log keeps this many newest events. */
export const EVENTS_KEPT = 10_000;
/**
 * How far the version jumps when an object instance starts. Changes between two flushes are
 * not persisted, so a restarted object must not hand out a version (an ETag) that a client
 * may already hold for different content; far fewer changes than this fit in one flush.
 */
export const VERSION_GAP = 1 << 20;

/**
 * The hub's SQLite tables (`ctx.storage.sql`): config, per-upstream decision state,
 * heartbeat results, report buckets, events and leases. Most writes go straight through;
 * report-driven changes (buckets, upstream rows, the version) are staged and written
 * together by `flush()`, so a burst of reports costs one commit and a few rows instead of
 * several rows each (rows written are what a SQLite-backed Durable Object is billed on).
 *
 * @example
 * ```ts
 * const store = new HubStore(ctx.storage.sql);
 * store.migrate();
 * const state = store.load();
 * ```
 */
export class HubStore {
  private readonly stagedBuckets = new Map<string, { url: string; colo: string; bucket: Bucket }>();
  private readonly stagedUpstreams = new Set<string>();
  private stagedVersion = false;

  constructor(private readonly sql: SqlStorage) {}

  /** Whether anything staged waits for `flush()`. */
  get staged(): boolean {
    return this.stagedVersion || this.stagedUpstreams.size > 0 || this.stagedBuckets.size > 0;
  }

  /** Stages a bucket; `flush()` writes its values as they are then. */
  stageBucket(url: string, colo: string, bucket: Bucket): void {
    this.stagedBuckets.set(`${url} ${colo} ${bucket.start}`, { url, colo, bucket });
  }

  /** Stages an upstream's row and the version. */
  stageChange(urls: Iterable<string>): void {
    this.stagedVersion = true;
    for (const url of urls) this.stagedUpstreams.add(url);
  }

  /** Writes everything staged, skipping upstreams the config no longer has. */
  flush(state: HubState): void {
    for (const { url, colo, bucket } of this.stagedBuckets.values()) {
      if (state.upstreams.has(url)) this.saveBucket(url, colo, bucket);
    }
    for (const url of this.stagedUpstreams) {
      const u = state.upstreams.get(url);
      if (u) this.saveUpstream(u);
    }
    if (this.stagedVersion) this.saveVersion(state.version);
    this.stagedBuckets.clear();
    this.stagedUpstreams.clear();
    this.stagedVersion = false;
  }

  /** Creates the tables if they do not exist and applies the migrations not yet applied. */
  migrate(): void {
    this.sql.exec(SCHEMA);
    const row = this.sql.exec("SELECT schema FROM meta WHERE id = 1").toArray()[0];
    const applied = (row?.schema as number | undefined) ?? 0;
    if (applied >= MIGRATIONS.length) return;
    for (const step of MIGRATIONS.slice(applied)) this.sql.exec(step);
    this.sql.exec("INSERT OR REPLACE INTO meta (id, schema) VALUES (1, ?)", MIGRATIONS.length);
  }

  /**
   * The persisted state, or `null` for a service that was never configured. The version
   * jumps by {@link VERSION_GAP} and the jump is written at once.
   */
  load(now: number): HubState | null {
    const config = this.sql
      .exec("SELECT service, json, version FROM config WHERE id = 1")
      .toArray()[0];
    if (!config) return null;
    const parsed = fromConfigRow(config.json as string);
    const upstreams = new Map<string, UpstreamState>();
    const rows = new Map<string, UpstreamState>();
    for (const row of this.sql.exec("SELECT url, state FROM upstreams")) {
      rows.set(row.url as string, fromUpstreamRow(row.state as string));
    }
    for (const u of parsed.upstreams) {
      upstreams.set(u.url, rows.get(u.url) ?? newUpstreamState(u.url, now));
    }
    const state: HubState = {
      service: config.service as string,
      config: parsed,
      version: (config.version as number) + VERSION_GAP,
      upstreams,
      leases: new Map(),
    };
    this.loadBuckets(state, now);
    this.loadLastHeartbeats(state);
    for (const row of this.sql.exec("SELECT colo, id, granted_at, expires_at FROM leases")) {
      const lease: Lease = {
        colo: row.colo as string,
        id: row.id as string,
        grantedAt: row.granted_at as number,
        expiresAt: row.expires_at as number,
      };
      state.leases.set(lease.colo, lease);
    }
    this.saveVersion(state.version);
    return state;
  }

  /** Saves the config (and service name) and drops the rows of removed upstreams. */
  saveConfig(state: HubState, removed: readonly string[], now: number): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO config (id, service, json, version, updated_at) VALUES (1, ?, ?, ?, ?)",
      state.service,
      JSON.stringify(state.config),
      state.version,
      now,
    );
    for (const url of removed) {
      this.sql.exec("DELETE FROM upstreams WHERE url = ?", url);
      this.sql.exec("DELETE FROM report_buckets WHERE url = ?", url);
      this.sql.exec("DELETE FROM heartbeats WHERE url = ?", url);
    }
    this.sql.exec("DELETE FROM leases");
  }

  saveVersion(version: number): void {
    this.sql.exec("UPDATE config SET version = ? WHERE id = 1", version);
  }

  saveUpstream(u: UpstreamState): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO upstreams (url, state) VALUES (?, ?)",
      u.url,
      upstreamRow(u),
    );
  }

  private saveBucket(url: string, colo: string, b: Bucket): void {
    this.sql.exec(
      `INSERT OR REPLACE INTO report_buckets
       (url, colo, start, successes, failures, network_errors, timeouts, latency_sum, latency_count, latency_max)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      url,
      colo,
      b.start,
      b.successes,
      b.failures,
      b.networkErrors,
      b.timeouts,
      b.latencySum,
      b.latencyCount,
      b.latencyMax,
    );
  }

  appendHeartbeat(url: string, scope: string, h: HubHeartbeat): void {
    this.sql.exec(
      "INSERT INTO heartbeats (url, scope, at, ok, status, latency_ms, error) VALUES (?, ?, ?, ?, ?, ?, ?)",
      url,
      scope,
      h.at,
      h.ok ? 1 : 0,
      h.status,
      h.latencyMs,
      h.error ?? null,
    );
  }

  appendEvents(events: readonly EventDraft[]): void {
    for (const e of events) {
      this.sql.exec(
        "INSERT INTO events (at, upstream, scope, kind, from_verdict, to_verdict, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
        e.at,
        e.upstream,
        e.scope,
        e.kind,
        e.from,
        e.to,
        e.reason,
      );
    }
  }

  saveLease(lease: Lease): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO leases (colo, id, granted_at, expires_at) VALUES (?, ?, ?, ?)",
      lease.colo,
      lease.id,
      lease.grantedAt,
      lease.expiresAt,
    );
  }

  deleteLease(colo: string): void {
    this.sql.exec("DELETE FROM leases WHERE colo = ?", colo);
  }

  /** One page of events, newest first, older than event `before` when given. */
  listEvents(limit: number, before?: number): HubEventsPage {
    const rows = this.sql
      .exec(
        `SELECT id, at, upstream, scope, kind, from_verdict, to_verdict, reason FROM events
         WHERE id < ? ORDER BY id DESC LIMIT ?`,
        before ?? Number.MAX_SAFE_INTEGER,
        limit + 1,
      )
      .toArray();
    const events = rows.slice(0, limit).map(toEvent);
    return { events, next: rows.length > limit ? events[events.length - 1]!.id : null };
  }

  /** Drops history past its retention. */
  prune(now: number): void {
    this.sql.exec("DELETE FROM heartbeats WHERE at < ?", now - HISTORY_RETENTION_MS);
    this.sql.exec("DELETE FROM report_buckets WHERE start < ?", now - HISTORY_RETENTION_MS);
    this.sql.exec("DELETE FROM events WHERE id <= (SELECT MAX(id) FROM events) - ?", EVENTS_KEPT);
    this.sql.exec("DELETE FROM leases WHERE expires_at < ?", now);
  }

  private loadBuckets(state: HubState, now: number): void {
    const from = now - HUB_PASSIVE.windowMs - HUB_PASSIVE.bucketMs;
    const rows = this.sql.exec(
      "SELECT * FROM report_buckets WHERE start >= ? ORDER BY start",
      from,
    );
    for (const row of rows) {
      const location = state.upstreams.get(row.url as string)?.locations[row.colo as string];
      location?.buckets.push(toBucket(row));
    }
  }

  private loadLastHeartbeats(state: HubState): void {
    const rows = this.sql.exec(
      `SELECT h.* FROM heartbeats h
       JOIN (SELECT MAX(id) AS id FROM heartbeats GROUP BY url, scope) last ON h.id = last.id`,
    );
    for (const row of rows) {
      const upstream = state.upstreams.get(row.url as string);
      if (!upstream) continue;
      const heartbeat = toHeartbeat(row);
      if (row.scope === "hub") upstream.hubLast = heartbeat;
      else {
        const location = upstream.locations[row.scope as string];
        if (location) location.edgeLast = heartbeat;
      }
    }
  }
}
