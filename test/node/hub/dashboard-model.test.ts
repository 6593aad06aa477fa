import { transform } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import type { HubEvent, HubEventsPage, HubVerdict } from "../../../src/protocol";
import { MODEL_JS } from "../../../worker/http/dashboard/model";
import { DASHBOARD_SCRIPTS } from "../../../worker/http/dashboard/scripts";

// The dashboard's browser module, loaded the way the browser loads it: as an ES module
// from its text (it has no imports).
interface Log {
  events: HubEvent[];
  coveredFrom: number;
}
interface Segment {
  from: number;
  to: number;
  verdict: HubVerdict | null;
  reason: string | null;
}
type GetPage = (before?: number, limit?: number) => Promise<HubEventsPage>;
interface Model {
  HEAD_LIMIT: number;
  createLog(): Log;
  syncEvents(log: Log, getPage: GetPage, windowStart: number, maxPages: number): Promise<number>;
  older(log: Log, getPage: GetPage): Promise<void>;
  newestFirst(log: Log, count: number): HubEvent[];
  lanesOf(log: Log, url: string): Map<string, HubEvent[]>;
  segments(
    events: HubEvent[],
    current: HubVerdict,
    from: number,
    to: number,
    coveredFrom: number,
  ): Segment[];
  shares(parts: Segment[]): Record<string, number>;
  createSamples(): Map<string, { ewma: Sample[]; beats: Sample[] }>;
  recordSamples(
    samples: ReturnType<Model["createSamples"]>,
    snapshot: unknown,
    keepFrom: number,
  ): void;
  sparkPoints(
    series: Sample[],
    from: number,
    to: number,
    max: number,
    w: number,
    h: number,
  ): string;
}
interface Sample {
  at: number;
  ms: number;
  ok: boolean;
}

let model: Model;
beforeAll(async () => {
  model = await import(`data:text/javascript,${encodeURIComponent(MODEL_JS)}`);
});

const event = (
  id: number,
  at: number,
  to: HubVerdict,
  from: HubVerdict,
  scope = "global",
): HubEvent => ({
  id,
  at,
  upstream: "https://a",
  scope,
  kind: "verdict",
  from,
  to,
  reason: `${from}→${to}`,
});

/** A hub's event log answering pages of `size`, newest first, like GET /events. */
function hubLog(events: HubEvent[], size: number) {
  const reads: (number | undefined)[] = [];
  const limits: (number | undefined)[] = [];
  const getPage: GetPage = async (before, limit) => {
    reads.push(before);
    limits.push(limit);
    const n = Math.min(size, limit ?? size);
    const older = events.filter((e) => before === undefined || e.id < before).reverse();
    const page = older.slice(0, n);
    return { events: page, next: older.length > n ? page[page.length - 1]!.id : null };
  };
  return { getPage, reads, limits };
}

// 20 events, one every 10 s from t = 10 s, alternating up/down.
const history = Array.from({ length: 20 }, (_, i) =>
  event(i + 1, (i + 1) * 10_000, i % 2 ? "up" : "down", i % 2 ? "down" : "up"),
);

describe("dashboard model: the event log in page memory", () => {
  it("pages back only until the window is covered", async () => {
    const hub = hubLog(history, 5);
    const log = model.createLog();
    await model.syncEvents(log, hub.getPage, 150_000, 10);
    expect(hub.reads).toEqual([undefined, 16]); // two pages: ids 20..16, then 15..11
    expect(log.events.map((e) => e.id)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(log.coveredFrom).toBe(110_000);
  });

  it("reads only the new events at the top once it is up to date", async () => {
    const hub = hubLog(history.slice(0, 12), 5);
    const log = model.createLog();
    await model.syncEvents(log, hub.getPage, 0, 10);
    expect(log.coveredFrom).toBe(-Infinity); // reached the start of the hub's log
    const later = hubLog(history, 5);
    await model.syncEvents(log, later.getPage, 0, 10);
    expect(later.reads).toEqual([undefined, 16]); // 20..16, then 15..11 meets id 12
    // The first read asks for a few: when nothing is new, that is all it reads.
    expect(later.limits).toEqual([model.HEAD_LIMIT, undefined]);
    const quiet = hubLog(history, 100);
    await model.syncEvents(log, quiet.getPage, 0, 10);
    expect(quiet.limits).toEqual([model.HEAD_LIMIT]);
    expect(log.events.map((e) => e.id)).toEqual(history.map((e) => e.id));
    expect(log.coveredFrom).toBe(-Infinity);
    expect(model.newestFirst(log, 2).map((e) => e.id)).toEqual([20, 19]);
  });

  it("starts a new run rather than keep a hole when the new events do not meet the old", async () => {
    const log = model.createLog();
    await model.syncEvents(log, hubLog(history.slice(0, 3), 5).getPage, 0, 10);
    await model.syncEvents(log, hubLog(history, 5).getPage, 0, 1);
    expect(log.events.map((e) => e.id)).toEqual([16, 17, 18, 19, 20]);
    expect(log.coveredFrom).toBe(160_000);
    await model.older(log, hubLog(history, 5).getPage);
    expect(log.events[0]!.id).toBe(11);
  });
});

describe("dashboard model: timeline segments", () => {
  it("holds the current verdict over a window without events", () => {
    expect(model.segments([], "up", 0, 60_000, -Infinity)).toEqual([
      { from: 0, to: 60_000, verdict: "up", reason: null },
    ]);
  });

  it("splits the window at each event, with the state before it from the event before", () => {
    const lane = history.slice(0, 4); // down at 10 s, up 20 s, down 30 s, up 40 s
    expect(model.segments(lane, "up", 15_000, 45_000, -Infinity)).toEqual([
      { from: 15_000, to: 20_000, verdict: "down", reason: "up→down" },
      { from: 20_000, to: 30_000, verdict: "up", reason: "down→up" },
      { from: 30_000, to: 40_000, verdict: "down", reason: "up→down" },
      { from: 40_000, to: 45_000, verdict: "up", reason: "down→up" },
    ]);
  });

  it("draws no data, not a guess, before the log it knows", () => {
    const lane = history.slice(2, 4); // known from 30 s
    const parts = model.segments(lane, "up", 0, 50_000, 30_000);
    expect(parts[0]).toEqual({ from: 0, to: 30_000, verdict: null, reason: null });
    expect(parts.slice(1).map((s) => s.verdict)).toEqual(["down", "up"]);
    // The whole log known: before a lane's first event the hub was not judging it yet.
    const born = [event(1, 30_000, "up", "unknown")];
    expect(model.segments(born, "up", 0, 50_000, -Infinity).map((s) => s.verdict)).toEqual([
      null,
      "up",
    ]);
  });

  it("gives each verdict's share of the time it knows", () => {
    const parts = model.segments(history.slice(2, 4), "up", 0, 50_000, 30_000);
    expect(model.shares(parts)).toEqual({ known: 20_000, down: 0.5, up: 0.5 });
  });

  it("groups events by upstream and scope, and drains in a lane of their own", () => {
    const log = model.createLog();
    const drain = { ...event(4, 4, "down", "down"), kind: "drain" as const };
    const undrain = { ...event(5, 5, "down", "down"), kind: "undrain" as const };
    const elsewhere = { ...event(6, 6, "up", "down"), upstream: "https://b" };
    log.events = [
      event(1, 1, "down", "up", "AMS"),
      event(2, 2, "down", "up"),
      event(3, 3, "up", "down", "AMS"),
      drain,
      undrain,
      elsewhere,
    ];
    const lanes = model.lanesOf(log, "https://a");
    expect([...lanes.keys()]).toEqual(["AMS", "global", "drain"]);
    expect(lanes.get("AMS")!.map((e) => e.id)).toEqual([1, 3]);
    expect(lanes.get("global")!.map((e) => e.id)).toEqual([2]); // a drain is no verdict change
    const drained = model.segments(lanes.get("drain")!, "serving" as HubVerdict, 0, 10, -Infinity);
    expect(drained.map((s) => [s.from, s.to, s.verdict])).toEqual([
      [0, 4, "serving"],
      [4, 5, "drained"],
      [5, 10, "serving"],
    ]);
  });
});

describe("dashboard model: latency samples", () => {
  const snapshot = (generatedAt: number, ewma: number | null, beatAt: number, ok = true) => ({
    generatedAt,
    upstreams: [
      {
        url: "https://a",
        latencyEwmaMs: ewma,
        heartbeat: { last: { at: beatAt, ok, status: ok ? 200 : 503, latencyMs: 7 } },
      },
    ],
  });

  it("takes the EWMA from every snapshot and each heartbeat once, dropping old samples", () => {
    const samples = model.createSamples();
    model.recordSamples(samples, snapshot(1_000, 10, 900), 0);
    model.recordSamples(samples, snapshot(3_000, 12, 900), 0); // same heartbeat
    model.recordSamples(samples, snapshot(5_000, null, 4_900, false), 2_000);
    const a = samples.get("https://a")!;
    expect(a.ewma).toEqual([{ at: 3_000, ms: 12, ok: true }]);
    expect(a.beats).toEqual([{ at: 4_900, ms: 7, ok: false }]);
  });

  it("scales points into the box and carries the last value to its right edge", () => {
    const series = [
      { at: 0, ms: 0, ok: true },
      { at: 50, ms: 100, ok: true },
    ];
    expect(model.sparkPoints(series, 0, 100, 100, 100, 20)).toBe("0.0,20.0 50.0,0.0 100.0,0.0");
    expect(model.sparkPoints([], 0, 100, 100, 100, 20)).toBe("");
  });
});

describe("dashboard modules", () => {
  it("are each valid JavaScript modules for the browsers of the last few years", async () => {
    for (const [name, code] of DASHBOARD_SCRIPTS) {
      // Throws with the line and column of a syntax error.
      await transform(code, { loader: "js", format: "esm", target: "es2020", sourcefile: name });
    }
    expect(DASHBOARD_SCRIPTS.size).toBeGreaterThan(1);
  });
});
