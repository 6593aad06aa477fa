import type { HubLocationSnapshot, HubSnapshot, HubUpstreamSnapshot } from "../../src/protocol";
import { summarizeAvailability } from "./availability";
import { breakerHint } from "./decide";
import type { HubState, LocationState, UpstreamState } from "./hub-state";
import { type WindowTotals, windowTotals } from "./passive";

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
    if (upstream) upstreams.push(upstreamSnapshot(upstream, config.weight, now));
  }
  return {
    service: state.service,
    version: state.version,
    generatedAt: now,
    heartbeat: state.config.heartbeat,
    upstreams,
  };
}

function upstreamSnapshot(u: UpstreamState, weight: number, now: number): HubUpstreamSnapshot {
  const locations: Record<string, HubLocationSnapshot> = {};
  let calls = 0;
  let successes = 0;
  for (const [colo, location] of Object.entries(u.locations)) {
    const totals = windowTotals(location.buckets, now);
    locations[colo] = locationSnapshot(location, totals);
    calls += totals.calls;
    successes += totals.successes;
  }
  return {
    url: u.url,
    weight,
    verdict: u.verdict,
    since: u.since,
    reason: u.reason,
    breakerHint: breakerHint(u.verdict),
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

function locationSnapshot(l: LocationState, totals: WindowTotals): HubLocationSnapshot {
  return {
    verdict: l.verdict,
    since: l.since,
    reason: l.reason,
    breakerHint: breakerHint(l.verdict),
    successRate: totals.calls > 0 ? totals.successes / totals.calls : null,
    calls: totals.calls,
    latencyEwmaMs: l.ewma ? round(l.ewma.value) : null,
    reportedAt: l.reportedAt,
    lastHeartbeat: l.edgeLast,
  };
}

const round = (ms: number) => Math.round(ms * 100) / 100;
