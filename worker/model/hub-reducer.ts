import type {
  HubConfig,
  HubHeartbeat,
  HubHeartbeatResult,
  HubUpstreamReport,
  HubVerdict,
} from "../../src/protocol";
import { transitionAvailability } from "./availability";
import { type Judgement, staleAfter, trackJudgement } from "./decide";
import { updateEwma } from "./ewma";
import { globalJudgement } from "./global-verdict";
import {
  type EventDraft,
  type HubState,
  type LocationState,
  newLocationState,
  newUpstreamState,
  toHeartbeat,
  type UpstreamState,
} from "./hub-state";
import { observeHeartbeat } from "./hysteresis";
import { forgettable, judgeLocation } from "./judge-location";
import { addToBuckets, type Bucket } from "./passive";
import { addRotation } from "./rotation";

/**
 * The hub's state transitions. Each function changes `state` in place and returns what
 * the Durable Object must persist or log; none does I/O or reads a clock.
 */

/**
 * Replaces the config: upstreams that stay keep their history, new ones start unknown,
 * removed ones are dropped. Outstanding leases are revoked (their targets may be gone).
 * Returns the removed URLs and a `drain`/`undrain` event for every upstream whose drain
 * changed (a new upstream that starts drained counts as drained now).
 *
 * @example
 * ```ts
 * const { removed, events } = applyConfig(state, config, now);
 * ```
 */
export function applyConfig(
  state: HubState,
  config: HubConfig,
  now: number,
): { removed: string[]; events: EventDraft[] } {
  const next = new Map<string, UpstreamState>();
  for (const u of config.upstreams)
    next.set(u.url, state.upstreams.get(u.url) ?? newUpstreamState(u.url, now));
  const removed = [...state.upstreams.keys()].filter((url) => !next.has(url));
  const events = drainEvents(state.config, config, next, now);
  state.config = config;
  state.upstreams = next;
  state.leases.clear();
  return { removed, events };
}

/**
 * The `drain`/`undrain` events between two configs (`before` is `null` for a new service).
 *
 * @example
 * ```ts
 * const events = drainEvents(null, config, state.upstreams, now);
 * ```
 */
export function drainEvents(
  before: HubConfig | null,
  after: HubConfig,
  upstreams: ReadonlyMap<string, UpstreamState>,
  now: number,
): EventDraft[] {
  const was = new Map(before?.upstreams.map((u) => [u.url, u.drain]));
  const events: EventDraft[] = [];
  for (const u of after.upstreams) {
    if (u.drain === (was.get(u.url) ?? false)) continue;
    const verdict = upstreams.get(u.url)?.verdict ?? "unknown";
    events.push({
      at: now,
      upstream: u.url,
      scope: "global",
      kind: u.drain ? "drain" : "undrain",
      from: verdict,
      to: verdict,
      reason: u.drain
        ? "drained by config: clients send it no new calls"
        : "undrained by config: clients may call it again",
    });
  }
  return events;
}

/**
 * Records one of the hub's own heartbeats. Returns the judged heartbeat and, when the
 * rise/fall track flipped, the event.
 *
 * @example
 * ```ts
 * const { heartbeat, event } = recordHubHeartbeat(state, { url, status: 200, latencyMs: 8 }, now);
 * ```
 */
export function recordHubHeartbeat(
  state: HubState,
  result: HubHeartbeatResult,
  now: number,
): { heartbeat: HubHeartbeat; event: EventDraft | null } {
  const upstream = state.upstreams.get(result.url)!;
  const heartbeat = toHeartbeat(result, expectedOf(state, result.url), now);
  const before = upstream.hub.verdict;
  upstream.hub = observeHeartbeat(
    upstream.hub,
    heartbeat.ok,
    now,
    state.config.heartbeat,
    heartbeat.error,
  );
  upstream.hubLast = heartbeat;
  if (heartbeat.ok) upstream.ewma = updateEwma(upstream.ewma, heartbeat.latencyMs, now);
  const after = upstream.hub.verdict;
  const event =
    before === after
      ? null
      : {
          at: now,
          upstream: result.url,
          scope: "hub",
          kind: "verdict" as const,
          from: before,
          to: after,
          reason: upstream.hub.reason,
        };
  return { heartbeat, event };
}

/**
 * Records a heartbeat a client in `colo` ran under a lease (the caller checked the lease).
 *
 * @example
 * ```ts
 * recordEdgeHeartbeat(state, "AMS", { url, status: null, latencyMs: 2_000, error: "timeout" }, now);
 * ```
 */
export function recordEdgeHeartbeat(
  state: HubState,
  colo: string,
  result: HubHeartbeatResult,
  now: number,
): HubHeartbeat {
  const location = locationOf(state, result.url, colo, now);
  const heartbeat = toHeartbeat(result, expectedOf(state, result.url), now);
  location.edge = observeHeartbeat(
    location.edge,
    heartbeat.ok,
    now,
    state.config.heartbeat,
    heartbeat.error,
  );
  location.edgeLast = heartbeat;
  if (heartbeat.ok) location.ewma = updateEwma(location.ewma, heartbeat.latencyMs, now);
  return heartbeat;
}

/**
 * Adds one report entry from `colo` to the current bucket and its out-of-rotation state to
 * the location's rotation tally; returns the bucket.
 *
 * @example
 * ```ts
 * const bucket = recordReport(state, "AMS", { url, successes: 9, failures: 1, timeouts: 0 }, now);
 * ```
 */
export function recordReport(
  state: HubState,
  colo: string,
  entry: HubUpstreamReport,
  now: number,
): Bucket {
  const upstream = state.upstreams.get(entry.url)!;
  const location = locationOf(state, entry.url, colo, now);
  const latency = entry.latency;
  const bucket = addToBuckets(
    location.buckets,
    {
      successes: entry.successes,
      failures: entry.failures,
      networkErrors: entry.networkErrors ?? 0,
      timeouts: entry.timeouts,
      latencySum: latency?.sumMs ?? 0,
      latencyCount: latency?.count ?? 0,
      latencyMax: latency?.maxMs ?? 0,
    },
    now,
  );
  const out = entry.outOfRotation;
  location.rotation = addRotation(
    location.rotation,
    {
      reporters: entry.reporters ?? 1,
      answers: out?.answers ?? 0,
      unreachable: out?.unreachable ?? 0,
    },
    now,
  );
  location.reportedAt = now;
  if (latency && latency.count > 0) {
    const mean = latency.sumMs / latency.count;
    location.ewma = updateEwma(location.ewma, mean, now);
    upstream.ewma = updateEwma(upstream.ewma, mean, now);
  }
  return bucket;
}

/**
 * Recomputes location and global verdicts at `now` (all upstreams, or those in `urls`) and
 * returns the changes as events. Also forgets locations with nothing left to say.
 *
 * With `colo`, only that location of each upstream is judged again (a report from there
 * changed only its own counts); the other locations vote with their last judgement. Their
 * changes that come with time alone (heartbeats going stale, reports leaving the window)
 * are picked up by the next full reevaluation, which the heartbeat alarm runs every
 * interval, or by the next report from that location.
 *
 * @example
 * ```ts
 * const events = reevaluate(state, now);
 * const afterReport = reevaluate(state, now, touched, "AMS");
 * ```
 */
export function reevaluate(
  state: HubState,
  now: number,
  urls?: Iterable<string>,
  colo?: string,
): EventDraft[] {
  const events: EventDraft[] = [];
  const stale = staleAfter(state.config.heartbeat);
  const targets = urls ? [...urls].map((u) => state.upstreams.get(u)!) : state.upstreams.values();
  for (const upstream of targets) {
    const votes: (Judgement & { colo: string })[] = [];
    for (const name in upstream.locations) {
      const location = upstream.locations[name]!;
      if (colo !== undefined && name !== colo) {
        votes.push(voteOf(name, location));
        continue;
      }
      const j = judgeLocation(location, now, stale);
      if (j.verdict !== location.verdict) {
        events.push(verdictEvent(upstream.url, name, location.verdict, j, now));
        location.verdict = j.verdict;
        location.since = now;
      }
      location.reason = j.reason;
      location.evidence = j.evidence;
      if (j.verdict === "unknown" && forgettable(location, now)) delete upstream.locations[name];
      else votes.push(voteOf(name, location));
    }
    const hub = trackJudgement(upstream.hub, upstream.hubLast, now, stale);
    const g = globalJudgement(hub, votes);
    if (g.verdict !== upstream.verdict) {
      events.push(verdictEvent(upstream.url, "global", upstream.verdict, g, now));
      upstream.availability = transitionAvailability(upstream.availability, g.verdict, now);
      upstream.verdict = g.verdict;
      upstream.since = now;
    }
    upstream.reason = g.reason;
    upstream.evidence = g.evidence;
  }
  return events;
}

const voteOf = (colo: string, l: LocationState) => ({
  colo,
  verdict: l.verdict,
  reason: l.reason,
  evidence: l.evidence,
});

function verdictEvent(url: string, scope: string, from: HubVerdict, to: Judgement, now: number) {
  return {
    at: now,
    upstream: url,
    scope,
    kind: "verdict" as const,
    from,
    to: to.verdict,
    reason: to.reason,
  };
}

function expectedOf(state: HubState, url: string): readonly number[] {
  for (const u of state.config.upstreams) if (u.url === url) return u.expectedStatus;
  return [];
}

function locationOf(state: HubState, url: string, colo: string, now: number) {
  const upstream = state.upstreams.get(url)!;
  let location = upstream.locations[colo];
  if (!location) {
    location = newLocationState(now);
    upstream.locations[colo] = location;
  }
  return location;
}
