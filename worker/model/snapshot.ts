import type {
  HubLocationSnapshot,
  HubSnapshot,
  HubUpstreamConfig,
  HubUpstreamSnapshot,
} from "../../src/protocol";
import { summarizeAvailability } from "./availability";
import { breakerHint, staleAfter } from "./decide";
import type { HubState, LocationState, UpstreamState } from "./hub-state";
import { type WindowTotals, windowTotals } from "./passive";
import { rotationShare } from "./rotation";

/**
 * Builds the snapshot readers get, from the state at `now`. Pure; the lease for a caller's
 * location is added by the Durable Object, since it differs per caller.
 *
 * @example
 * ```ts
 * const body = JSON.stringify(buildSnapshot(state, Date.now()));
 * ```
 */
export function buildSnapshot(state: HubState, now: number): HubSnapshot {
  const upstreams: HubUpstreamSnapshot[] = [];
  for (const config of state.config.upstreams) {
    const upstream = state.upstreams.get(config.url);
    if (upstream) upstreams.push(upstreamSnapshot(upstream, config, now));
  }
  return {
    service: state.service,
    version: state.version,
    generatedAt: now,
    ttlMs: staleAfter(state.config.heartbeat),
    heartbeat: state.config.heartbeat,
    upstreams,
  };
}

function upstreamSnapshot(
  u: UpstreamState,
  { weight, drain }: HubUpstreamConfig,
  now: number,
): HubUpstreamSnapshot {
  const locations: Record<string, HubLocationSnapshot> = {};
  let calls = 0;
  let successes = 0;
  for (const [colo, location] of Object.entries(u.locations)) {
    const totals = windowTotals(location.buckets, now);
    locations[colo] = locationSnapshot(location, totals, drain, now);
    calls += totals.calls;
    successes += totals.successes;
  }
  return {
    url: u.url,
    weight,
    drain,
    verdict: u.verdict,
    since: u.since,
    reason: u.reason,
    evidence: u.evidence,
    breakerHint: breakerHint(u.verdict, drain),
    successRate: calls > 0 ? successes / calls : null,
    calls,
    latencyEwmaMs: u.ewma ? round(u.ewma.value) : null,
    heartbeat: {
      verdict: u.hub.verdict,
      since: u.hub.since,
      okStreak: u.hub.okStreak,
      failStreak: u.hub.failStreak,
      last: u.hubLast,
    },
    locations,
    availability: summarizeAvailability(u.availability, now),
  };
}

function locationSnapshot(
  l: LocationState,
  totals: WindowTotals,
  drain: boolean,
  now: number,
): HubLocationSnapshot {
  const share = rotationShare(l.rotation, now);
  return {
    verdict: l.verdict,
    since: l.since,
    reason: l.reason,
    evidence: l.evidence,
    breakerHint: breakerHint(l.verdict, drain),
    successRate: totals.calls > 0 ? totals.successes / totals.calls : null,
    calls: totals.calls,
    failures: totals.failures,
    networkErrors: totals.networkErrors,
    timeouts: totals.timeouts,
    outOfRotation: share && {
      answers: round(share.answers),
      unreachable: round(share.unreachable),
    },
    latencyEwmaMs: l.ewma ? round(l.ewma.value) : null,
    reportedAt: l.reportedAt,
    lastHeartbeat: l.edgeLast,
  };
}

const round = (ms: number) => Math.round(ms * 100) / 100;
