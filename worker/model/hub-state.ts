import type {
  HubConfig,
  HubEvent,
  HubEvidence,
  HubHeartbeat,
  HubHeartbeatResult,
  HubVerdict,
} from "../../src/protocol";
import { type AvailabilityState, newAvailability } from "./availability";
import type { Ewma } from "./ewma";
import { type HeartbeatTrack, newTrack } from "./hysteresis";
import type { Lease } from "./lease";
import type { Bucket, CountsMark } from "./passive";
import { NOT_FAILING, type ReportFailing } from "./report-signal";
import type { Rotation } from "./rotation";

/**
 * The in-memory state of one service's hub: the Durable Object keeps it, mirrors it into
 * SQLite and rebuilds it from there on start. Everything that changes it lives in
 * `hub-reducer.ts`; nothing here touches I/O.
 */

/**
 * What the hub knows about one upstream as seen from one location.
 *
 * @example
 * ```ts
 * const amsterdam = state.upstreams.get(url)!.locations.AMS;
 * ```
 */
export interface LocationState {
  verdict: HubVerdict;
  since: number;
  reason: string;
  /** What the verdict rests on; `null` when unknown. */
  evidence: HubEvidence | null;
  /** Heartbeats that clients in this location ran under a lease. */
  edge: HeartbeatTrack;
  edgeLast: HubHeartbeat | null;
  /** Which failing states the reports are in (each has hysteresis). */
  failing: ReportFailing;
  buckets: Bucket[];
  /** Where the judged counts start (set when clients readmit the upstream); `null`: all. */
  countsFrom: CountsMark | null;
  /** The recent share of reporters holding the upstream out of rotation. */
  rotation: Rotation | null;
  reportedAt: number | null;
  ewma: Ewma | null;
}

/**
 * What the hub knows about one upstream.
 *
 * @example
 * ```ts
 * const { verdict, reason } = state.upstreams.get(url)!;
 * ```
 */
export interface UpstreamState {
  url: string;
  verdict: HubVerdict;
  since: number;
  reason: string;
  /** What the global verdict rests on; `null` when unknown. */
  evidence: HubEvidence | null;
  /** The hub's own heartbeats. */
  hub: HeartbeatTrack;
  hubLast: HubHeartbeat | null;
  locations: Record<string, LocationState>;
  ewma: Ewma | null;
  availability: AvailabilityState;
}

/**
 * The whole state of one service's hub.
 *
 * @example
 * ```ts
 * const state = createHubState("payments", config, Date.now());
 * ```
 */
export interface HubState {
  service: string;
  config: HubConfig;
  /** Bumped on every change a reader could see; the ETag of the snapshot. */
  version: number;
  /** In config order. */
  upstreams: Map<string, UpstreamState>;
  leases: Map<string, Lease>;
}

/**
 * A verdict change to be logged (the store gives it an id).
 *
 * @example
 * ```ts
 * const e: EventDraft = { at: now, upstream: url, scope: "global", kind: "verdict", from: "up", to: "down", reason: "…" };
 * ```
 */
export interface EventDraft {
  at: number;
  upstream: string;
  scope: string;
  kind: HubEvent["kind"];
  from: HubVerdict;
  to: HubVerdict;
  reason: string;
}

/**
 * A fresh upstream: nothing known yet.
 *
 * @example
 * ```ts
 * state.upstreams.set(url, newUpstreamState(url, now));
 * ```
 */
export function newUpstreamState(url: string, now: number): UpstreamState {
  return {
    url,
    verdict: "unknown",
    since: now,
    reason: "no fresh signal",
    evidence: null,
    hub: newTrack(now),
    hubLast: null,
    locations: {},
    ewma: null,
    availability: newAvailability(now),
  };
}

/**
 * A location seen for the first time.
 *
 * @example
 * ```ts
 * upstream.locations[colo] ??= newLocationState(now);
 * ```
 */
export function newLocationState(now: number): LocationState {
  return {
    verdict: "unknown",
    since: now,
    reason: "no fresh heartbeats or reports",
    evidence: null,
    edge: newTrack(now),
    edgeLast: null,
    failing: NOT_FAILING,
    buckets: [],
    countsFrom: null,
    rotation: null,
    reportedAt: null,
    ewma: null,
  };
}

/**
 * A new service with `config` and no history.
 *
 * @example
 * ```ts
 * const state = createHubState("payments", config, Date.now());
 * ```
 */
export function createHubState(service: string, config: HubConfig, now: number): HubState {
  const upstreams = new Map<string, UpstreamState>();
  for (const u of config.upstreams) upstreams.set(u.url, newUpstreamState(u.url, now));
  return { service, config, version: 1, upstreams, leases: new Map() };
}

/**
 * Judges one heartbeat result against the upstream's expected statuses.
 *
 * @example
 * ```ts
 * toHeartbeat({ url, status: 503, latencyMs: 4 }, [200], now); // { ok: false, … }
 * ```
 */
export function toHeartbeat(
  result: HubHeartbeatResult,
  expectedStatus: readonly number[],
  now: number,
): HubHeartbeat {
  const ok = result.status !== null && expectedStatus.includes(result.status);
  const heartbeat: HubHeartbeat = {
    at: now,
    ok,
    status: result.status,
    latencyMs: result.latencyMs,
  };
  if (result.error !== undefined) heartbeat.error = result.error;
  else if (!ok)
    heartbeat.error = result.status === null ? "no response" : `unexpected status ${result.status}`;
  return heartbeat;
}
