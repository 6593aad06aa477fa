/**
 * The health hub's wire format, shared by the hub (`worker/`) and the client's hub sync.
 * Pure types and constants: no runtime code, no dependencies.
 *
 * Times are milliseconds since the epoch (`at`, `since`, `generatedAt`, `expiresAt`) or
 * durations in milliseconds (`…Ms`, `interval`, `timeout`). Upstream URLs are compared after
 * normalisation: `origin + pathname` without a trailing slash (no query, no fragment).
 *
 * @example
 * ```ts
 * import type { HubSnapshot } from "./protocol";
 * const res = await fetch(`${hub}/v1/services/payments/health`, {
 *   headers: { authorization: `Bearer ${token}` },
 * });
 * const snapshot = (await res.json()) as HubSnapshot;
 * ```
 */

/**
 * The API version prefix every route except `/healthz` lives under.
 *
 * @example
 * ```ts
 * const url = `${hub}/${HUB_API_VERSION}/services/${service}/health`;
 * ```
 */
export const HUB_API_VERSION = "v1";

/**
 * Hard limits the hub enforces; requests beyond them get 400 (counts) or 413 (bytes).
 *
 * @example
 * ```ts
 * if (body.length > HUB_LIMITS.bodyBytes) splitBatch(body);
 * ```
 */
export const HUB_LIMITS = {
  /** Largest request body, checked on `Content-Length` and on the bytes actually read. */
  bodyBytes: 64 * 1024,
  /** Most upstreams in one service config. */
  upstreams: 64,
  /** Longest upstream URL. */
  urlLength: 2048,
  /** Longest health path. */
  healthPathLength: 256,
  /** Most upstream entries (and most heartbeat results) in one report batch. */
  reportEntries: 64,
  /** Most events returned by one page of the event log. */
  eventsPage: 100,
  /** Most locations tracked per upstream; reports from further ones are refused (400). */
  locations: 512,
} as const;

/**
 * Defaults the hub applies to a config field that was left out.
 *
 * @example
 * ```ts
 * const rise = config.heartbeat.rise ?? HUB_DEFAULTS.rise;
 * ```
 */
export const HUB_DEFAULTS = {
  weight: 1,
  healthPath: "/",
  expectedStatus: 200,
  /** Heartbeat interval in ms; accepted range [1_000, 3_600_000]. */
  interval: 10_000,
  /** Heartbeat timeout in ms; accepted range [100, 60_000] and at most the interval. */
  timeout: 2_000,
  /** Successes in a row that turn a location's heartbeat verdict up; range [1, 10]. */
  rise: 2,
  /** Failures in a row that turn a location's heartbeat verdict down; range [1, 10]. */
  fall: 3,
} as const;

/**
 * How the hub judges passive reports: outcomes are summed per location over a sliding
 * window of time buckets; a location is failing once the failure rate reaches
 * `failureRate` over at least `minCalls` calls, and recovers at or below `recoveryRate`.
 *
 * @example
 * ```ts
 * const ttl = HUB_PASSIVE.windowMs; // reports older than this no longer count
 * ```
 */
export const HUB_PASSIVE = {
  bucketMs: 10_000,
  windowMs: 60_000,
  minCalls: 10,
  failureRate: 0.5,
  recoveryRate: 0.2,
} as const;

/**
 * A verdict on an upstream. `degraded` is global only: some locations see it up, others down.
 *
 * @example
 * ```ts
 * const usable = (v: HubVerdict) => v === "up" || v === "degraded";
 * ```
 */
export type HubVerdict = "up" | "down" | "degraded" | "unknown";

/**
 * What a client's circuit breaker should do with an upstream: `open` skips it, `half-open`
 * lets a few probes through, `closed` is business as usual.
 *
 * @example
 * ```ts
 * if (upstream.breakerHint === "open") skip(upstream.url);
 * ```
 */
export type HubBreakerHint = "closed" | "half-open" | "open";

/**
 * One upstream as sent in `PUT /v1/services/:service/config`; a bare string is a URL.
 *
 * @example
 * ```ts
 * const a: HubUpstreamInput = "https://a.internal";
 * const b: HubUpstreamInput = { url: "https://b.internal", weight: 2, healthPath: "/healthz" };
 * ```
 */
export type HubUpstreamInput =
  | string
  | {
      /** http(s) only, no credentials, query or fragment. */
      url: string;
      /** In (0, 1000]. @default 1 */
      weight?: number;
      /** Appended to the upstream's URL for heartbeats; "/" probes the URL itself. @default "/" */
      healthPath?: string;
      /** Status(es) a heartbeat must get to count as a success. @default 200 */
      expectedStatus?: number | number[];
    };

/**
 * The body of `PUT /v1/services/:service/config`.
 *
 * @example
 * ```ts
 * const body: HubConfigInput = {
 *   upstreams: ["https://a.internal", { url: "https://b.internal", healthPath: "/healthz" }],
 *   heartbeat: { interval: 5_000, timeout: 1_000, rise: 2, fall: 3 },
 * };
 * ```
 */
export interface HubConfigInput {
  /** 1 to {@link HUB_LIMITS}.upstreams entries with distinct URLs. */
  upstreams: HubUpstreamInput[];
  heartbeat?: {
    /** @default 10_000 */
    interval?: number;
    /** @default 2_000 */
    timeout?: number;
    /** @default 2 */
    rise?: number;
    /** @default 3 */
    fall?: number;
  };
}

/**
 * One upstream as the hub stores it: every field resolved, the URL normalised.
 *
 * @example
 * ```ts
 * const probeUrl = upstream.healthPath === "/" ? upstream.url : upstream.url + upstream.healthPath;
 * ```
 */
export interface HubUpstreamConfig {
  url: string;
  weight: number;
  healthPath: string;
  expectedStatus: number[];
}

/**
 * A service's config as the hub stores and returns it.
 *
 * @example
 * ```ts
 * const { interval, rise } = config.heartbeat;
 * ```
 */
export interface HubConfig {
  upstreams: HubUpstreamConfig[];
  heartbeat: { interval: number; timeout: number; rise: number; fall: number };
}

/**
 * Passive outcomes for one upstream since the client's last batch.
 *
 * @example
 * ```ts
 * const entry: HubUpstreamReport = {
 *   url: "https://a.internal", successes: 40, failures: 2, timeouts: 1,
 *   latency: { count: 43, sumMs: 860, maxMs: 120 },
 * };
 * ```
 */
export interface HubUpstreamReport {
  url: string;
  successes: number;
  failures: number;
  timeouts: number;
  /** Latency of the calls counted above; percentiles are informational. */
  latency?: { count: number; sumMs: number; maxMs: number; p50Ms?: number; p99Ms?: number };
}

/**
 * The result of one edge heartbeat run under a {@link HubProbeLease}. The hub judges it:
 * a success is a `status` in the upstream's `expectedStatus`; `status: null` is a
 * network error or timeout.
 *
 * @example
 * ```ts
 * const result: HubHeartbeatResult = { url: target.url, status: 200, latencyMs: 12 };
 * ```
 */
export interface HubHeartbeatResult {
  url: string;
  status: number | null;
  latencyMs: number;
  error?: string;
}

/**
 * The body of `POST /v1/services/:service/reports`. `colo` defaults to the location
 * Cloudflare routed the request through (`"local"` off Cloudflare).
 *
 * @example
 * ```ts
 * const batch: HubReportBatch = {
 *   colo: "AMS",
 *   upstreams: [{ url: "https://a.internal", successes: 10, failures: 0, timeouts: 0 }],
 *   heartbeats: { leaseId: lease.id, results: [{ url: "https://a.internal", status: 200, latencyMs: 9 }] },
 * };
 * ```
 */
export interface HubReportBatch {
  colo?: string;
  upstreams?: HubUpstreamReport[];
  heartbeats?: { leaseId: string; results: HubHeartbeatResult[] };
}

/**
 * The answer to an accepted report (202).
 *
 * @example
 * ```ts
 * const { accepted } = (await res.json()) as HubReportAck;
 * ```
 */
export interface HubReportAck {
  accepted: { upstreams: number; heartbeats: number };
  version: number;
}

/**
 * A job handed to one client per location: probe `targets` now and post the results
 * (as {@link HubReportBatch}.heartbeats with this `id`) before `expiresAt`.
 *
 * @example
 * ```ts
 * if (snapshot.lease) void runLease(snapshot.lease);
 * ```
 */
export interface HubProbeLease {
  id: string;
  colo: string;
  expiresAt: number;
  timeout: number;
  targets: { url: string; probeUrl: string; expectedStatus: number[] }[];
}

/**
 * One heartbeat as the hub recorded it.
 *
 * @example
 * ```ts
 * const late = Date.now() - heartbeat.at > ttl;
 * ```
 */
export interface HubHeartbeat {
  at: number;
  ok: boolean;
  status: number | null;
  latencyMs: number;
  error?: string;
}

/**
 * Availability figures derived from the global verdict's transitions. `null` means "not
 * enough history yet" (for MTBF: no failure seen; for MTTR: no recovery seen).
 *
 * @example
 * ```ts
 * const nines = a.availability === null ? "n/a" : (a.availability * 100).toFixed(3);
 * ```
 */
export interface HubAvailability {
  availability: number | null;
  mtbfMs: number | null;
  mttrMs: number | null;
  failures: number;
  recoveries: number;
  upMs: number;
  downMs: number;
}

/**
 * The hub's view of one upstream from one location.
 *
 * @example
 * ```ts
 * const mine = upstream.locations[myColo]?.verdict ?? upstream.verdict;
 * ```
 */
export interface HubLocationSnapshot {
  verdict: HubVerdict;
  since: number;
  reason: string;
  breakerHint: HubBreakerHint;
  /** Over the passive window; `null` without calls in it. */
  successRate: number | null;
  calls: number;
  latencyEwmaMs: number | null;
  /** When the last passive report for this location arrived. */
  reportedAt: number | null;
  lastHeartbeat: HubHeartbeat | null;
}

/**
 * The hub's view of one upstream.
 *
 * @example
 * ```ts
 * const healthy = snapshot.upstreams.filter((u) => u.verdict !== "down");
 * ```
 */
export interface HubUpstreamSnapshot {
  url: string;
  weight: number;
  verdict: HubVerdict;
  since: number;
  reason: string;
  breakerHint: HubBreakerHint;
  successRate: number | null;
  calls: number;
  latencyEwmaMs: number | null;
  /** The hub's own heartbeats (run on its alarm). */
  heartbeat: {
    verdict: HubVerdict;
    since: number;
    okStreak: number;
    failStreak: number;
    last: HubHeartbeat | null;
  };
  locations: Record<string, HubLocationSnapshot>;
  availability: HubAvailability;
}

/**
 * The body of `GET /v1/services/:service/health`. `lease` is present only when the
 * caller's location was handed the heartbeat job.
 *
 * @example
 * ```ts
 * const fresh = Date.now() - snapshot.generatedAt < 30_000;
 * ```
 */
export interface HubSnapshot {
  service: string;
  /**
   * Grows with every change the hub makes (it jumps when the hub restarts), so a newer
   * snapshot always has a larger version. The ETag is derived from it.
   */
  version: number;
  /** When the hub built this snapshot (its clock); apply TTLs to this and the `at`s. */
  generatedAt: number;
  heartbeat: HubConfig["heartbeat"];
  upstreams: HubUpstreamSnapshot[];
  lease?: HubProbeLease;
}

/**
 * One entry of the failure/recovery log. `scope` is `"global"`, `"hub"` (the hub's own
 * heartbeats) or a location code.
 *
 * @example
 * ```ts
 * for (const e of page.events) console.log(e.at, e.upstream, e.scope, e.from, "→", e.to, e.reason);
 * ```
 */
export interface HubEvent {
  id: number;
  at: number;
  upstream: string;
  scope: string;
  from: HubVerdict;
  to: HubVerdict;
  reason: string;
}

/**
 * The body of `GET /v1/services/:service/events`; pass `next` as `?before=` for older ones.
 *
 * @example
 * ```ts
 * const older = page.next ? await getEvents({ before: page.next }) : null;
 * ```
 */
export interface HubEventsPage {
  events: HubEvent[];
  next: number | null;
}

/**
 * What the hub pushes on `GET /v1/services/:service/subscribe`: the current snapshot on
 * connect, then a new one whenever a verdict changes. Send `"ping"` to get `"pong"`.
 *
 * @example
 * ```ts
 * ws.onmessage = (m) => apply((JSON.parse(m.data) as HubPush).snapshot);
 * ```
 */
export interface HubPush {
  type: "snapshot";
  snapshot: HubSnapshot;
}

/**
 * Every error response body. `issues` lists field problems for 400s.
 *
 * @example
 * ```ts
 * if (!res.ok) throw new Error((await res.json() as HubError).error);
 * ```
 */
export interface HubError {
  error: string;
  issues?: { path: string; message: string }[];
}
