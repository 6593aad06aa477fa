/**
 * How the outage travelled between locations, measured from the run's own timelines: which
 * location met it first (its first failed attempt), when that location's breaker opened,
 * when the hub judged it down, and how long the second location took to stop sending it new
 * calls, and why (its own breaker, or the hub's verdict reaching it). Then the way back: when
 * the hub said up and when each location's calls to it succeeded again.
 */
import type { HubEvent } from "../../src/protocol";
import { count, wrap } from "./format";
import type { CallerRecord } from "./recorder";

/** What the outage's story is computed from. Times are ms since the run began. */
export interface OutageFacts {
  outage: {
    url: string;
    name: string;
    downAt: number | null;
    upAt: number | null;
    startsAt: number;
  };
  /** The library callers, one per location, named by their location. */
  locations: CallerRecord[];
  hubEvents: readonly HubEvent[];
  /** `Date.now()` when the run began, to place the hub's event times. */
  startedAtEpoch: number;
}

/** One location's side of it. Times are ms since the run began; `null`: did not happen. */
export interface LocationOutage {
  name: string;
  firstFailureAt: number | null;
  breakerOpenAt: number | null;
  /** When a hub snapshot first kept it from new calls. */
  gateClosedAt: number | null;
  /** When it stopped sending new calls: the earlier of the two above. */
  heldOutAt: number | null;
  heldOutBy: "its own breaker" | "the hub's verdict" | null;
  /** Failed attempts until then. */
  failuresBeforeHeldOut: number;
  /** Attempts after it while the upstream was down: half-open probes. */
  probes: number;
  /** The hub's verdict for this location turned down. */
  hubDownAt: number | null;
  /** What that verdict rested on: the location's `reports` or its edge `heartbeats`. */
  hubDownOn: string | null;
  /** Its first successful attempt after the upstream came back. */
  backAt: number | null;
}

/** The outage as measured, or why there is nothing to measure. */
export type Outage =
  | { kind: "not-yet"; name: string; startsAt: number }
  | { kind: "unnoticed"; name: string; downAt: number }
  | {
      kind: "measured";
      name: string;
      downAt: number;
      upAt: number | null;
      /** The location that met it first, then the other(s). */
      first: LocationOutage;
      others: LocationOutage[];
      hubGlobalDownAt: number | null;
      hubGlobalUpAt: number | null;
    };

/**
 * Measures the outage.
 *
 * @example
 * ```ts
 * const o = measureOutage(facts);
 * if (o.kind === "measured") console.log(o.others[0]!.heldOutAt! - o.first.firstFailureAt!);
 * ```
 */
export function measureOutage(facts: OutageFacts): Outage {
  const { url, name, downAt, upAt, startsAt } = facts.outage;
  if (downAt === null) return { kind: "not-yet", name, startsAt };
  const hubEvent = (scope: string, to: string, from: number) =>
    facts.hubEvents.find(
      (e) =>
        e.upstream === url &&
        e.kind === "verdict" &&
        e.scope === scope &&
        e.to === to &&
        e.at - facts.startedAtEpoch >= from,
    );
  const hubAt = (scope: string, to: string, from: number) => {
    const event = hubEvent(scope, to, from);
    return event ? event.at - facts.startedAtEpoch : null;
  };
  const located = facts.locations.map((record) => {
    const l = locationOutage(record, url, downAt, upAt);
    const event = hubEvent(record.name, "down", downAt);
    l.hubDownAt = hubAt(record.name, "down", downAt);
    // A location's reason starts with what it rests on: "reports: …" or "heartbeats: …".
    l.hubDownOn = event ? (/^(\w+):/.exec(event.reason)?.[1] ?? null) : null;
    return l;
  });
  const met = located.filter((l) => l.firstFailureAt !== null);
  if (met.length === 0) return { kind: "unnoticed", name, downAt };
  const first = met.reduce((a, b) => (b.firstFailureAt! < a.firstFailureAt! ? b : a));
  return {
    kind: "measured",
    name,
    downAt,
    upAt,
    first,
    others: located.filter((l) => l !== first),
    hubGlobalDownAt: hubAt("global", "down", downAt),
    hubGlobalUpAt: upAt === null ? null : hubAt("global", "up", upAt),
  };
}

/**
 * One location's timeline around the outage of `url`, down at `downAt`, back at `upAt`.
 *
 * @example
 * ```ts
 * locationOutage(aaa.record, outageUrl, 10_000, 30_000).heldOutBy; // "its own breaker"
 * ```
 */
export function locationOutage(
  record: CallerRecord,
  url: string,
  downAt: number,
  upAt: number | null,
): LocationOutage {
  const end = upAt ?? Infinity;
  const attempts = record.attempts.filter((a) => a.upstream === url && a.at >= downAt);
  const during = attempts.filter((a) => a.at < end);
  const firstTo = (kind: "breaker" | "gate", to: string) =>
    record.transitions.find(
      (t) => t.upstream === url && t.kind === kind && t.to === to && t.at >= downAt,
    )?.at ?? null;
  const breakerOpenAt = firstTo("breaker", "open");
  const gateClosedAt = firstTo("gate", "open");
  const held = [breakerOpenAt, gateClosedAt].filter((at): at is number => at !== null && at < end);
  const heldOutAt = held.length > 0 ? Math.min(...held) : null;
  return {
    name: record.name,
    firstFailureAt: during.find((a) => a.outcome === "failed")?.at ?? null,
    breakerOpenAt,
    gateClosedAt,
    heldOutAt,
    heldOutBy:
      heldOutAt === null
        ? null
        : heldOutAt === breakerOpenAt
          ? "its own breaker"
          : "the hub's verdict",
    failuresBeforeHeldOut: during.filter(
      (a) => a.outcome === "failed" && (heldOutAt === null || a.at <= heldOutAt),
    ).length,
    probes: heldOutAt === null ? 0 : during.filter((a) => a.at > heldOutAt).length,
    hubDownAt: null,
    hubDownOn: null,
    backAt:
      upAt === null ? null : (attempts.find((a) => a.at >= upAt && a.outcome === "ok")?.at ?? null),
  };
}

/**
 * The outage in words, for the summary, in lines of at most 100 columns.
 *
 * @example
 * ```ts
 * for (const line of outageLines(measureOutage(facts))) console.log(line);
 * ```
 */
export function outageLines(outage: Outage): string[] {
  if (outage.kind === "not-yet") {
    return [
      `The ${outage.name} upstream had not gone down yet (it does at ${s(outage.startsAt)} s).`,
    ];
  }
  if (outage.kind === "unnoticed") {
    return [
      `The ${outage.name} upstream went down at ${s(outage.downAt)} s; no location called it since.`,
    ];
  }
  const { first, name } = outage;
  const t0 = first.firstFailureAt!;
  const after = (at: number | null, from = t0) => (at === null ? "never" : `+${s(at - from, 2)}s`);
  const all = [first, ...outage.others];
  const back =
    outage.upAt === null
      ? " and was still down at the end"
      : ` and listened again at ${s(outage.upAt)} s`;
  const text = [
    `The ${name} upstream stopped listening at ${s(outage.downAt)} s${back}. ${first.name} met it first, with a failed attempt at ${s(t0, 2)} s; times below count from there.`,
    `  The hub judged it down for ${all.map((l) => `${l.name} ${after(l.hubDownAt)}${l.hubDownOn ? ` (${EVIDENCE[l.hubDownOn] ?? l.hubDownOn})` : ""}`).join(", ")}; for everyone ${after(outage.hubGlobalDownAt)}.`,
  ];
  for (const l of all) {
    if (l.heldOutAt === null) {
      text.push(
        `  ${l.name} did not stop calling it (${count(l.failuresBeforeHeldOut, "failed attempt")}).`,
      );
      continue;
    }
    const other =
      l.heldOutBy === "its own breaker"
        ? l.gateClosedAt === null
          ? "the hub's verdict never reached it"
          : `the hub's verdict reached it ${after(l.gateClosedAt)}`
        : l.breakerOpenAt === null
          ? "its own breaker never opened"
          : `its own breaker opened ${after(l.breakerOpenAt)}`;
    text.push(
      `  ${l.name} held it out ${after(l.heldOutAt)}, by ${l.heldOutBy}, after ${count(l.failuresBeforeHeldOut, "failed attempt")} of its own; ${other}; then ${count(l.probes, "probe")} while it was down.`,
    );
  }
  if (outage.upAt !== null) {
    text.push(
      `  Back: the hub said up ${after(outage.hubGlobalUpAt, outage.upAt)} after it listened again; calls to it succeeded again from ${all.map((l) => `${l.name} ${after(l.backAt, outage.upAt!)}`).join(", ")}.`,
    );
  }
  return text.flatMap((line) => wrap(line));
}

// What a location's verdict rested on, in words.
const EVIDENCE: Record<string, string> = {
  reports: "its calls",
  heartbeats: "its edge heartbeats",
};

const s = (ms: number, digits = 1) => (ms / 1_000).toFixed(digits);
