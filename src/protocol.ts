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
 * How the hub judges passive reports (see docs/hub.md, "What it decides, and from what").
 *
 * Counts are summed per location in `bucketMs` buckets over a sliding `windowMs`. Answers
 * (`successes`, `failures`) judge the upstream: a location is failing on answers once
 * `failures / (successes + failures)` reaches `failureRate` over at least `minCalls`
 * answered calls. Calls without an answer (`networkErrors`, `timeouts`) judge the path from
 * that location: it is unreachable from there once they reach `failureRate` of all calls
 * (at least `minCalls`). Both recover at `recoveryRate` or below.
 *
 * Out-of-rotation reports need no minimum: the share of a location's recent reporters
 * that hold the upstream out of rotation is an average that halves every `rotationHalfLifeMs`
 * (so with one client per location its latest batch decides, both ways), and a location is
 * failing while that share is at least `failureRate`. The share is forgotten
 * `rotationTtlMs` after the location's last report: a client holding an upstream out of
 * rotation must say so in every batch, at least that often.
 *
 * @example
 * ```ts
 * const ttl = HUB_PASSIVE.windowMs; // counts older than this no longer count
 * const keepAlive = HUB_PASSIVE.rotationTtlMs / 2; // report out-of-rotation state this often
 * ```
 */
export const HUB_PASSIVE = {
  bucketMs: 10_000,
  windowMs: 60_000,
  minCalls: 10,
  failureRate: 0.5,
  recoveryRate: 0.2,
  rotationHalfLifeMs: 1_500,
  rotationTtlMs: 10_000,
} as const;

/**
 * A verdict on an upstream.
 *
 * - `up` / `down`: usable or not from where the verdict applies (a location, or globally).
 * - `degraded` (global only): the upstream's own answers disagree between vantage points:
 *   some see it failing (answers classified as failures, or failing health checks) and at
 *   least as many see it answer well. A partial failure of the upstream itself, so a client
 *   with no fresh verdict for its own location lets a trickle through (breaker hint
 *   `half-open`). A location that merely cannot reach the upstream never makes it degraded.
 * - `unknown`: no fresh signal.
 *
 * @example
 * ```ts
 * const usable = (v: HubVerdict) => v === "up" || v === "degraded";
 * ```
 */
export type HubVerdict = "up" | "down" | "degraded" | "unknown";

/**
 * What a verdict rests on.
 * - `"answers"`: clients' calls. For `down`/`degraded`: calls got answers classified as
 *   failures (5xx, 429, 408), or clients took the upstream out of rotation because of such
 *   answers: evidence about the upstream itself, wherever it was seen. For `up`: calls
 *   were answered well.
 * - `"unreachable"` (`down` only): calls or heartbeats from there got no answer (refused,
 *   reset, DNS, TLS, timeout), or clients took the upstream out of rotation because of
 *   that: evidence about the path from that vantage point only.
 * - `"heartbeats"`: health checks only, no traffic evidence; for `down`/`degraded` they
 *   got an unexpected status.
 *
 * @example
 * ```ts
 * const everywhere = location.verdict === "down" && location.evidence === "answers";
 * ```
 */
export type HubEvidence = "answers" | "unreachable" | "heartbeats";

/**
 * What a client's circuit breaker should do with an upstream: `open` skips it, `half-open`
 * lets a few probes through, `closed` is business as usual. `down` and a drained upstream
 * give `open`, `degraded` gives `half-open`, anything else `closed`.
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
 * const drained: HubUpstreamInput = { url: "https://c.internal", drain: true };
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
      /**
       * Operator drain: clients stop sending new calls to it, whatever its verdict, from
       * their next snapshot refresh on; `false` (or leaving it out) puts it back. The hub
       * keeps judging it (heartbeats go on) and logs drain and undrain as events.
       * @default false
       */
      drain?: boolean;
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
  drain: boolean;
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
 * Passive outcomes for one upstream since the client's last batch, plus the client's own
 * view of it when the batch was sent.
 *
 * Every count is summable: a relay that merges many clients' batches adds the fields up
 * (`latency.maxMs` takes the maximum; percentiles are dropped). Each call counts once, by
 * its last attempt's outcome: `successes + failures + networkErrors + timeouts` is the
 * number of calls. Optional fields default to 0 (`reporters` to 1).
 *
 * Send an entry for an upstream when there is something to say: calls were made, or the
 * client holds it out of rotation (then in every batch, with zero counts if it made no
 * calls, at least every `HUB_PASSIVE.rotationTtlMs / 2`).
 *
 * @example
 * ```ts
 * const entry: HubUpstreamReport = {
 *   url: "https://a.internal", successes: 40, failures: 2, networkErrors: 0, timeouts: 1,
 *   latency: { count: 43, sumMs: 860, maxMs: 120 },
 * };
 * // Its breaker opened after five 503s: the hub may judge on this batch alone.
 * const tripped: HubUpstreamReport = {
 *   url: "https://b.internal", successes: 0, failures: 5, timeouts: 0,
 *   outOfRotation: { answers: 1, unreachable: 0 },
 * };
 * ```
 */
export interface HubUpstreamReport {
  url: string;
  /** Calls answered with a status the client counts as a success. */
  successes: number;
  /**
   * Calls answered with a status classified as a failure (5xx, 429, 408): evidence about
   * the upstream itself, wherever it is called from.
   */
  failures: number;
  /**
   * Calls that got no answer because the connection failed: refused, reset, DNS, TLS.
   * Evidence about the path from the reporting location. @default 0
   */
  networkErrors?: number;
  /** Calls that got no answer in time: evidence about the path from the reporting location. */
  timeouts: number;
  /** Latency of the calls counted above; percentiles are informational. */
  latency?: { count: number; sumMs: number; maxMs: number; p50Ms?: number; p99Ms?: number };
  /**
   * How many of the reporting clients held the upstream out of rotation (breaker open, or
   * ejected) when they sent the batch, by what took it out: `answers` (failures as above)
   * or `unreachable` (network errors, timeouts). A client reports 0 or 1 in total.
   * @default { answers: 0, unreachable: 0 }
   */
  outOfRotation?: { answers: number; unreachable: number };
  /**
   * How many clients' entries this one sums: a client leaves it out (1); a relay that
   * merges entries sets the number it merged. The hub weighs `outOfRotation` against it.
   * @default 1
   */
  reporters?: number;
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
  /**
   * The hub's version after the batch, or, when the location's relay took it (passive
   * entries, merged and written within a flush interval), the version it last saw.
   */
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
 * A location's verdict is worth applying while it is fresh: while its newest signal
 * (`reportedAt`, `lastHeartbeat.at`) is at most {@link HubSnapshot}.ttlMs older than the
 * snapshot's `generatedAt`. Otherwise use the upstream's global verdict.
 *
 * @example
 * ```ts
 * const l = upstream.locations[myColo];
 * const newest = Math.max(l?.reportedAt ?? 0, l?.lastHeartbeat?.at ?? 0);
 * const mine = l && snapshot.generatedAt - newest <= snapshot.ttlMs ? l : upstream;
 * if (mine.breakerHint === "open") skip(upstream.url);
 * ```
 */
export interface HubLocationSnapshot {
  verdict: HubVerdict;
  since: number;
  reason: string;
  /** What the verdict rests on ({@link HubEvidence}); `null` when unknown. */
  evidence: HubEvidence | null;
  /** `open` when down or when the upstream is drained. */
  breakerHint: HubBreakerHint;
  /** Successes over all calls in the passive window; `null` without calls in it. */
  successRate: number | null;
  /** Calls over the passive window: the sum of the four counts below and the successes. */
  calls: number;
  /** Answers classified as failures over the passive window. */
  failures: number;
  /** Connection failures over the passive window. */
  networkErrors: number;
  /** Calls that timed out over the passive window. */
  timeouts: number;
  /**
   * The recent share (0 to 1) of this location's reporters holding the upstream out of
   * rotation, by cause; `null` when no report arrived in the last `HUB_PASSIVE.rotationTtlMs`.
   */
  outOfRotation: { answers: number; unreachable: number } | null;
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
  /** Drained by the operator: send it no new calls, whatever the verdicts say. */
  drain: boolean;
  /**
   * The global verdict: what a client with no fresh verdict for its own location should
   * go by. Only evidence about the upstream itself (`answers`, `heartbeats`) moves it;
   * `unreachable` from some locations does not, unless no vantage point sees it up.
   */
  verdict: HubVerdict;
  since: number;
  reason: string;
  /** What the global verdict rests on ({@link HubEvidence}); `null` when unknown. */
  evidence: HubEvidence | null;
  /** `open` when down or drained, `half-open` when degraded, else `closed`. */
  breakerHint: HubBreakerHint;
  /** Successes over all calls in the passive window, all locations; `null` without calls. */
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
 * const receivedAt = Date.now(); // on a 200, and again on every 304 for this ETag
 * const usable = (now: number) => now - receivedAt <= snapshot.ttlMs;
 * ```
 */
export interface HubSnapshot {
  service: string;
  /**
   * The hub's version when it published this snapshot. It grows with every change the hub
   * makes (it jumps when the hub restarts), so a newer snapshot always has a larger version.
   * The ETag is derived from it.
   */
  version: number;
  /**
   * When the hub built this snapshot (its clock). A 304 means no newer one has been
   * published; the body (and this time) is rebuilt only when the version changes. Verdict,
   * drain and config changes are published at once; with the location layer on, changes to
   * counts alone within one snapshot cache interval per 50 locations (docs/scale.md).
   */
  generatedAt: number;
  /**
   * How long remote state stays worth applying, in ms (3 heartbeat intervals plus a
   * timeout). A client applies a snapshot for at most this long after it last got a 200 or
   * a 304 for it (its own clock), then goes by local state only; a location's verdict
   * counts as fresh while its newest signal is at most this much older than `generatedAt`.
   */
  ttlMs: number;
  heartbeat: HubConfig["heartbeat"];
  upstreams: HubUpstreamSnapshot[];
  lease?: HubProbeLease;
}

/**
 * One entry of the failure/recovery log. `scope` is `"global"`, `"hub"` (the hub's own
 * heartbeats) or a location code. `kind` is `"verdict"` for a verdict change, `"drain"` /
 * `"undrain"` for an operator's drain changing (scope `"global"`, `from` = `to` = the
 * global verdict at the time).
 *
 * @example
 * ```ts
 * for (const e of page.events) console.log(e.at, e.upstream, e.scope, e.kind, e.from, "→", e.to, e.reason);
 * ```
 */
export interface HubEvent {
  id: number;
  at: number;
  upstream: string;
  scope: string;
  kind: "verdict" | "drain" | "undrain";
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
 * What one service's Durable Object has handled since it last started: the body of
 * `GET /v1/services/:service/load` (admin token). Requests are RPC calls into the object,
 * counted by the object itself; with the location layer on (the default) they grow with
 * the number of locations, not of clients.
 *
 * @example
 * ```ts
 * const perSecond = (b.requests.total - a.requests.total) / ((b.at - a.at) / 1_000);
 * const mergedPerWrite = b.relayedReports / b.requests.flushes;
 * ```
 */
export interface HubLoad {
  /** When the object started counting (its last start). */
  since: number;
  /** When these figures were read (the object's clock). */
  at: number;
  requests: {
    /** Every request below, each call counted once. */
    total: number;
    /** Snapshot reads: a location's first read or a revalidation of its copy. */
    snapshots: number;
    /** Of those, answered "not modified" (the location's copy was current). */
    notModified: number;
    /** Reads that asked for their location's probe lease. */
    leaseAsks: number;
    /** Of those, granted a lease. */
    leasesGranted: number;
    /** Report batches straight from the Worker: heartbeat results under a lease, or any report when the relays are off. */
    reports: number;
    /** Merged batches flushed by the locations' relays. */
    flushes: number;
    /** Relays asking which upstreams the service has (a relay's first report, or after a config change). */
    relayInfos: number;
    /** Configs, event pages and subscriptions. */
    other: number;
  };
  /** Client report batches carried by the relays' flushes. */
  relayedReports: number;
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
