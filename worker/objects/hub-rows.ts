import type { HubConfig, HubEvent, HubHeartbeat, HubVerdict } from "../../src/protocol";
import type { LocationState, UpstreamState } from "../model/hub-state";
import type { Bucket } from "../model/passive";
import { NOT_FAILING, type ReportFailing } from "../model/report-signal";

/**
 * The hub's tables as first shipped; `CREATE … IF NOT EXISTS`, so running it on every
 * start is harmless. Later changes are in {@link MIGRATIONS}, never edited in here, so an
 * existing store and a new one end up with the same tables.
 */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS config (
  id INTEGER PRIMARY KEY CHECK (id = 1), service TEXT NOT NULL, json TEXT NOT NULL,
  version INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS upstreams (url TEXT PRIMARY KEY, state TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS heartbeats (
  id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL, scope TEXT NOT NULL, at INTEGER NOT NULL,
  ok INTEGER NOT NULL, status INTEGER, latency_ms REAL NOT NULL, error TEXT);
CREATE INDEX IF NOT EXISTS heartbeats_by_at ON heartbeats (at);
CREATE TABLE IF NOT EXISTS report_buckets (
  url TEXT NOT NULL, colo TEXT NOT NULL, start INTEGER NOT NULL, successes INTEGER NOT NULL,
  failures INTEGER NOT NULL, timeouts INTEGER NOT NULL, latency_sum REAL NOT NULL,
  latency_count INTEGER NOT NULL, latency_max REAL NOT NULL, PRIMARY KEY (url, colo, start));
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, upstream TEXT NOT NULL,
  scope TEXT NOT NULL, from_verdict TEXT NOT NULL, to_verdict TEXT NOT NULL, reason TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS leases (
  colo TEXT PRIMARY KEY, id TEXT NOT NULL, granted_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS meta (id INTEGER PRIMARY KEY CHECK (id = 1), schema INTEGER NOT NULL);
`;

/**
 * Schema changes after {@link SCHEMA}, applied in order; `meta.schema` counts how many a
 * store has had. Only ever append: existing data must survive each step.
 */
export const MIGRATIONS: readonly string[] = [
  // Network errors counted apart from timeouts; events say what kind of change they log.
  `ALTER TABLE report_buckets ADD COLUMN network_errors INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE events ADD COLUMN kind TEXT NOT NULL DEFAULT 'verdict';`,
];

/** A row as `ctx.storage.sql` returns it. */
export type Row = Record<string, SqlStorageValue>;

/** The upstream's JSON row, without what lives in its own tables (buckets, last heartbeats). */
export function upstreamRow(u: UpstreamState): string {
  const locations: Record<string, Omit<LocationState, "buckets" | "edgeLast">> = {};
  for (const colo in u.locations) {
    const { buckets: _b, edgeLast: _e, ...rest } = u.locations[colo]!;
    locations[colo] = rest;
  }
  const { hubLast: _h, locations: _l, ...rest } = u;
  return JSON.stringify({ ...rest, locations });
}

/**
 * A stored `upstreams` row as state, with the fields that rows written before they existed
 * lack filled in. Buckets and last heartbeats live in their own tables and start empty.
 */
export function fromUpstreamRow(json: string): UpstreamState {
  const u = JSON.parse(json) as UpstreamState;
  u.hubLast = null;
  u.evidence ??= null;
  for (const l of Object.values(u.locations)) {
    l.buckets = [];
    l.edgeLast = null;
    l.evidence ??= null;
    l.rotation ??= null;
    l.countsFrom ??= null;
    // Before reports were judged by kind, one flag covered all failures.
    const failing = l.failing as ReportFailing | boolean;
    if (typeof failing === "boolean") l.failing = { ...NOT_FAILING, answers: failing };
  }
  return u;
}

/** The stored config, with fields added since it was written at their defaults. */
export function fromConfigRow(json: string): HubConfig {
  const config = JSON.parse(json) as HubConfig;
  for (const u of config.upstreams) u.drain ??= false;
  return config;
}

/** A `report_buckets` row as a bucket. */
export function toBucket(row: Row): Bucket {
  return {
    start: row.start as number,
    successes: row.successes as number,
    failures: row.failures as number,
    networkErrors: row.network_errors as number,
    timeouts: row.timeouts as number,
    latencySum: row.latency_sum as number,
    latencyCount: row.latency_count as number,
    latencyMax: row.latency_max as number,
  };
}

/** A `heartbeats` row as a heartbeat. */
export function toHeartbeat(row: Row): HubHeartbeat {
  const h: HubHeartbeat = {
    at: row.at as number,
    ok: row.ok === 1,
    status: row.status as number | null,
    latencyMs: row.latency_ms as number,
  };
  if (row.error !== null) h.error = row.error as string;
  return h;
}

/** An `events` row as an event. */
export function toEvent(row: Row): HubEvent {
  return {
    id: row.id as number,
    at: row.at as number,
    upstream: row.upstream as string,
    scope: row.scope as string,
    kind: row.kind as HubEvent["kind"],
    from: row.from_verdict as HubVerdict,
    to: row.to_verdict as HubVerdict,
    reason: row.reason as string,
  };
}
