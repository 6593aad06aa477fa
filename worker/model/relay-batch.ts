import { HUB_PASSIVE, type HubUpstreamReport } from "../../src/protocol";
import { addRotation, type Rotation } from "./rotation";

/**
 * What a location's relay holds between two flushes: the reports of all clients in that
 * location merged per upstream. Counts add up exactly; `latency.maxMs` keeps the maximum
 * (percentiles are dropped, as the wire format allows). Out-of-rotation states are not
 * counts but a recency-weighted share: the batch keeps them as the same decayed tally the
 * hub keeps (`rotation.ts`), so the share the hub computes after a flush is the share it
 * would have computed had every entry arrived on its own.
 */

/** One upstream's merged entries. */
export interface RelayEntry {
  url: string;
  successes: number;
  failures: number;
  networkErrors: number;
  timeouts: number;
  latencyCount: number;
  latencySumMs: number;
  latencyMaxMs: number;
  rotation: Rotation;
}

/**
 * The reports merged since the last flush.
 *
 * @example
 * ```ts
 * const batch = newRelayBatch();
 * addToRelayBatch(batch, [{ url, successes: 9, failures: 1, timeouts: 0 }], now);
 * ```
 */
export interface RelayBatch {
  /** Client report batches merged. */
  reports: number;
  entries: Map<string, RelayEntry>;
}

/**
 * One flush from a relay to the service's object. `id` makes a resend of the same flush
 * (after an error whose outcome is unknown) count once.
 *
 * @example
 * ```ts
 * const flush: RelayFlush = { id: "relay-1:7", reports: 40, entries: relayEntries(batch, now) };
 * ```
 */
export interface RelayFlush {
  id: string;
  reports: number;
  entries: HubUpstreamReport[];
}

/**
 * An empty batch.
 *
 * @example
 * ```ts
 * let batch = newRelayBatch();
 * ```
 */
export function newRelayBatch(): RelayBatch {
  return { reports: 0, entries: new Map() };
}

/**
 * Merges one client's report entries (already validated) into `batch` at `now`.
 *
 * @example
 * ```ts
 * addToRelayBatch(batch, body.upstreams, Date.now());
 * ```
 */
export function addToRelayBatch(
  batch: RelayBatch,
  entries: readonly HubUpstreamReport[],
  now: number,
): void {
  batch.reports += 1;
  for (const e of entries) {
    const reporters = e.reporters ?? 1;
    const out = e.outOfRotation;
    const say = {
      reporters,
      answers: out?.answers ?? 0,
      unreachable: out?.unreachable ?? 0,
    };
    const merged = batch.entries.get(e.url);
    if (merged === undefined) {
      batch.entries.set(e.url, {
        url: e.url,
        successes: e.successes,
        failures: e.failures,
        networkErrors: e.networkErrors ?? 0,
        timeouts: e.timeouts,
        latencyCount: e.latency?.count ?? 0,
        latencySumMs: e.latency?.sumMs ?? 0,
        latencyMaxMs: e.latency?.maxMs ?? 0,
        rotation: { at: now, ...say },
      });
      continue;
    }
    merged.successes += e.successes;
    merged.failures += e.failures;
    merged.networkErrors += e.networkErrors ?? 0;
    merged.timeouts += e.timeouts;
    merged.latencyCount += e.latency?.count ?? 0;
    merged.latencySumMs += e.latency?.sumMs ?? 0;
    merged.latencyMaxMs = Math.max(merged.latencyMaxMs, e.latency?.maxMs ?? 0);
    merged.rotation = addRotation(merged.rotation, say, now);
  }
}

/**
 * The batch as report entries for the hub at `now`: counts as merged, and the rotation
 * tally decayed to `now`, so `reporters`, `outOfRotation.answers` and `.unreachable` may
 * be fractional. The hub adds them to its own tally as it would a client's entry.
 *
 * @example
 * ```ts
 * const entries = relayEntries(batch, Date.now());
 * ```
 */
export function relayEntries(
  batch: RelayBatch,
  now: number,
  halfLifeMs: number = HUB_PASSIVE.rotationHalfLifeMs,
): HubUpstreamReport[] {
  const out: HubUpstreamReport[] = [];
  for (const e of batch.entries.values()) {
    const keep = 2 ** (-Math.max(0, now - e.rotation.at) / halfLifeMs);
    const entry: HubUpstreamReport = {
      url: e.url,
      successes: e.successes,
      failures: e.failures,
      networkErrors: e.networkErrors,
      timeouts: e.timeouts,
      outOfRotation: {
        answers: e.rotation.answers * keep,
        unreachable: e.rotation.unreachable * keep,
      },
      reporters: e.rotation.reporters * keep,
    };
    if (e.latencyCount > 0 || e.latencySumMs > 0) {
      entry.latency = { count: e.latencyCount, sumMs: e.latencySumMs, maxMs: e.latencyMaxMs };
    }
    out.push(entry);
  }
  return out;
}
