/**
 * How the outage travelled between locations, measured from the run's own timelines: which
 * location met it first (its first failed attempt), when the hub judged it down, and when
 * each location stopped sending it calls, with what had happened by then (its breaker
 * opening, the hub's verdict reaching it). Then the way back: when the hub said up and when
 * each location's calls to it succeeded again.
 *
 * "Stopped sending" is read off the attempts, whatever stopped them (the breaker, the hub's
 * verdict, or p2c no longer picking an upstream whose calls fail): the last attempt before
 * a pause of `quietMs`. Attempts after that pause are probes.
 */
import type { HubEvent } from "../../src/protocol";
import { count, wrap } from "./format";
import type { OutageTimes } from "./player";
import type { CallerRecord } from "./recorder";

/**
 * The pause that means a location stopped calling an upstream: five times the usual
 * interval between its calls there, when `rate` calls a second spread over `upstreams`
 * (1 s at 20 calls a second over 4 upstreams).
 *
 * @example
 * ```ts
 * quietAfter(20, 4); // 1_000
 * ```
 */
export function quietAfter(rate: number, upstreams: number): number {
  return (5 * upstreams * 1_000) / rate;
}

/** What the outage's story is computed from. Times are ms since the run began. */
export interface OutageFacts {
  outage: OutageTimes;
  /** The library callers, one per location, named by their location. */
  locations: CallerRecord[];
  hubEvents: readonly HubEvent[];
  /** `Date.now()` when the run began, to place the hub's event times. */
  startedAtEpoch: number;
  /** A pause in a location's attempts at the upstream this long means it stopped calling it. */
  quietMs: number;
}

/** One location's side of it. Times are ms since the run began; `null`: did not happen. */
export interface LocationOutage {
  name: string;
  firstFailureAt: number | null;
  /** Its last attempt before the first pause of `quietMs` while the upstream was down. */
  stoppedAt: number | null;
  /** Failed attempts until then. */
  failures: number;
  /** Attempts after that, while the upstream was still down. */
  probes: number;
  breakerOpenAt: number | null;
  /** When a hub snapshot first kept the upstream from its new calls. */
  gateClosedAt: number | null;
  /** When the hub's verdict for this location turned down, and what it rested on. */
  hubDownAt: number | null;
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
      quietMs: number;
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
 * if (o.kind === "measured") console.log(o.others[0]!.stoppedAt! - o.first.firstFailureAt!);
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
  const hubAt = (event: HubEvent | undefined) => (event ? event.at - facts.startedAtEpoch : null);
  const located = facts.locations.map((record) => {
    const l = locationOutage(record, url, downAt, upAt, facts.quietMs);
    const event = hubEvent(record.name, "down", downAt);
    l.hubDownAt = hubAt(event);
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
    quietMs: facts.quietMs,
    first,
    others: located.filter((l) => l !== first),
    hubGlobalDownAt: hubAt(hubEvent("global", "down", downAt)),
    hubGlobalUpAt: upAt === null ? null : hubAt(hubEvent("global", "up", upAt)),
  };
}

/**
 * One location's timeline around the outage of `url`, down at `downAt`, back at `upAt`
 * (`null`: still down at the end).
 *
 * @example
 * ```ts
 * locationOutage(aaa.record, outageUrl, 10_000, 30_000, 1_000).stoppedAt;
 * ```
 */
export function locationOutage(
  record: CallerRecord,
  url: string,
  downAt: number,
  upAt: number | null,
  quietMs: number,
): LocationOutage {
  const end = upAt ?? Infinity;
  const attempts = record.attempts.filter((a) => a.upstream === url && a.at >= downAt);
  const during = attempts.filter((a) => a.at < end);
  // The last attempt followed by a pause: by the next attempt, or by the end of the outage
  // (or of the run, whose end is the last attempt recorded anywhere).
  const runEnd = Math.min(end, record.attempts.at(-1)?.at ?? downAt);
  const stop = during.findIndex((a, i) => (during[i + 1]?.at ?? runEnd) - a.at >= quietMs);
  const stoppedAt = stop < 0 ? null : during[stop]!.at;
  const firstTo = (kind: "breaker" | "gate", to: string) =>
    record.transitions.find(
      (t) => t.upstream === url && t.kind === kind && t.to === to && t.at >= downAt && t.at < end,
    )?.at ?? null;
  return {
    name: record.name,
    firstFailureAt: during.find((a) => a.outcome === "failed")?.at ?? null,
    stoppedAt,
    failures: during.filter((a) => a.outcome === "failed" && (stop < 0 || a.at <= stoppedAt!))
      .length,
    probes: stop < 0 ? 0 : during.length - stop - 1,
    breakerOpenAt: firstTo("breaker", "open"),
    gateClosedAt: firstTo("gate", "open"),
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
    `The ${name} upstream stopped listening at ${s(outage.downAt)} s${back}. ${first.name} met it first, with a failed attempt at ${s(t0, 2)} s; times below count from there. A location stopped calling it at its last attempt before a pause of ${s(outage.quietMs)} s.`,
    `  The hub judged it down for ${all.map((l) => `${l.name} ${after(l.hubDownAt)}${l.hubDownOn ? ` (${EVIDENCE[l.hubDownOn] ?? l.hubDownOn})` : ""}`).join(", ")}; for everyone ${after(outage.hubGlobalDownAt)}.`,
  ];
  for (const l of all) {
    const stopped =
      l.stoppedAt === null
        ? `${l.name} did not stop calling it (${count(l.failures, "failed attempt")})`
        : `${l.name} stopped calling it ${after(l.stoppedAt)}, after ${count(l.failures, "failed attempt")}, then sent ${count(l.probes, "probe")}`;
    text.push(
      `  ${stopped}; its breaker opened ${after(l.breakerOpenAt)}; the hub's verdict reached it ${after(l.gateClosedAt)}.`,
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
