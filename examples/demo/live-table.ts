/**
 * The live view, as lines of at most 100 columns: a header with the dashboard's address,
 * one row per upstream (what it does now, each location's breaker, the hub's verdicts,
 * traffic share and latency, failures, the hub's availability figures), one row per caller,
 * and the latest lines of the story. Pure: the run gathers a {@link LiveView} every second.
 */

import { clip, duration, ms, percent, seconds } from "./format";
import type { Phase } from "./scenario";
import type { StoryLine } from "./story";
import { type Cell, type Column, type Paint, plain, renderTable, type Tone } from "./table";

/** The locations of the library callers, in column order. */
export const LOCATIONS = ["AAA", "BBB"] as const;

/** One upstream's row. */
export interface UpstreamRow {
  name: string;
  phase: Phase;
  /** Breaker state per location: `closed`, `open`, `half-open`, `ejected`, `isolated`. */
  breakers: Record<string, string | undefined>;
  /** The hub's verdict per location, and for everyone under `all`; `undefined`: none yet. */
  verdicts: Record<string, string | undefined>;
  /** Share of the locations' attempts over the last 10 s; `null` without attempts. */
  share: number | null;
  p50: number | null;
  p99: number | null;
  /** The locations' failed attempts since the start. */
  failed: number;
  availability: number | null;
  mtbfMs: number | null;
  mttrMs: number | null;
}

/** One caller's row. */
export interface CallerRow {
  name: string;
  role: string;
  calls: number;
  errors: number;
  attempts: number;
  failedAttempts: number;
  p50: number | null;
  p99: number | null;
  retries: number;
  hedges: number;
}

/** Everything one frame shows. */
export interface LiveView {
  elapsedMs: number;
  durationMs: number;
  rate: number;
  dashboard: string;
  readToken: string;
  /** Why the hub could not be read, when the last read failed. */
  hubError: string | undefined;
  upstreams: UpstreamRow[];
  callers: CallerRow[];
  story: StoryLine[];
}

const UPSTREAM_COLUMNS: Column[] = [
  { title: "upstream", width: 9 },
  { title: "now", width: 4 },
  { title: LOCATIONS[0], width: 6, group: "breaker" },
  { title: LOCATIONS[1], width: 6, group: "breaker" },
  { title: LOCATIONS[0], width: 4, group: "hub verdict" },
  { title: LOCATIONS[1], width: 4, group: "hub verdict" },
  { title: "all", width: 8, group: "hub verdict" },
  { title: "share", width: 5, align: "right", group: "last 5 s" },
  { title: "p50", width: 4, align: "right", group: "last 5 s" },
  { title: "p99", width: 5, align: "right", group: "last 5 s" },
  { title: "failed", width: 6, align: "right" },
  { title: "avail", width: 6, align: "right", group: "hub figures" },
  { title: "MTBF", width: 6, align: "right", group: "hub figures" },
  { title: "MTTR", width: 6, align: "right", group: "hub figures" },
];

const CALLER_COLUMNS: Column[] = [
  { title: "caller", width: 12 },
  { title: "what", width: 21 },
  { title: "calls", width: 6, align: "right" },
  { title: "errors", width: 6, align: "right" },
  { title: "sent", width: 6, align: "right", group: "attempts" },
  { title: "failed", width: 6, align: "right", group: "attempts" },
  { title: "p50", width: 5, align: "right", group: "calls, ms" },
  { title: "p99", width: 5, align: "right", group: "calls, ms" },
  { title: "retries", width: 7, align: "right" },
  { title: "hedges", width: 6, align: "right" },
];

/** Lines of the legend under the upstream table. */
export const LEGEND = [
  "share, p50, p99 (ms): AAA's and BBB's attempts over the last 5 s; failed: their failed",
  "attempts since the start; avail, MTBF, MTTR: the hub's figures over the run.",
];

/**
 * The frame's lines.
 *
 * @example
 * ```ts
 * for (const line of renderFrame(view)) console.log(line);
 * ```
 */
export function renderFrame(view: LiveView, paint: Paint = plain): string[] {
  const lines = [
    `resilient-fetch demo: ${seconds(view.elapsedMs)} of ${seconds(view.durationMs)}, ${view.rate} calls/s per caller (Ctrl-C stops)`,
    `dashboard: ${view.dashboard}  read token: ${view.readToken}`,
    "",
    ...renderTable(UPSTREAM_COLUMNS, view.upstreams.map(upstreamCells), paint),
    ...LEGEND,
    "",
    ...renderTable(CALLER_COLUMNS, view.callers.map(callerCells), paint),
  ];
  if (view.hubError) lines.push("", paint("warn", clip(`hub not readable: ${view.hubError}`)));
  if (view.story.length > 0) {
    lines.push("");
    for (const line of view.story) lines.push(storyLine(line));
  }
  return lines;
}

/**
 * One story line, cut to fit 100 columns.
 *
 * @example
 * ```ts
 * storyLine({ at: 10_020, who: "AAA", what: "breaker for outage: closed → open" });
 * // "  10.0 s  AAA     breaker for outage: closed → open"
 * ```
 */
export function storyLine(line: StoryLine): string {
  return clip(`${seconds(line.at).padStart(8)}  ${line.who.padEnd(9)} ${line.what}`);
}

function upstreamCells(row: UpstreamRow): Cell[] {
  return [
    row.name,
    { text: row.phase, tone: row.phase === "up" ? "good" : "bad" },
    ...LOCATIONS.map((l) => breakerCell(row.breakers[l])),
    ...LOCATIONS.map((l) => verdictCell(row.verdicts[l])),
    verdictCell(row.verdicts.all),
    percent(row.share),
    ms(row.p50),
    ms(row.p99),
    String(row.failed),
    percent(row.availability),
    duration(row.mtbfMs),
    duration(row.mttrMs),
  ];
}

function callerCells(row: CallerRow): Cell[] {
  return [
    row.name,
    row.role,
    String(row.calls),
    { text: String(row.errors), tone: row.errors > 0 ? "bad" : undefined },
    String(row.attempts),
    String(row.failedAttempts),
    ms(row.p50),
    ms(row.p99),
    String(row.retries),
    String(row.hedges),
  ];
}

const BREAKER_WORDS: Record<string, [string, Tone]> = {
  closed: ["closed", "good"],
  open: ["open", "bad"],
  "half-open": ["half", "warn"],
  ejected: ["eject", "bad"],
  isolated: ["isol", "bad"],
};

function breakerCell(state: string | undefined): Cell {
  const [text, tone] = BREAKER_WORDS[state ?? ""] ?? [state ?? "–", undefined];
  return { text, tone };
}

function verdictCell(verdict: string | undefined): Cell {
  if (verdict === undefined || verdict === "unknown") return "–";
  const tone: Tone = verdict === "up" ? "good" : verdict === "down" ? "bad" : "warn";
  return { text: verdict, tone };
}
