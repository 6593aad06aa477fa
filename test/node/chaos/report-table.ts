import type { ChaosReport } from "./chaos-run";
import type { HubChaosReport } from "./hub-chaos-run";
import { type CallTally, durationQuantile } from "./run-calls";

/** A table column: its header and how a report fills its cell. */
type Column<R> = readonly [header: string, cell: (report: R) => unknown];

const sum = (table: Record<string, number>, keep: (key: string) => boolean = () => true) =>
  Object.entries(table).reduce((total, [key, n]) => (keep(key) ? total + n : total), 0);

const top = (table: Record<string, number>, keep: (key: string) => boolean = () => true) =>
  Object.entries(table)
    .filter(([key]) => keep(key))
    .sort((a, b) => b[1] - a[1])
    .map(([key, n]) => `${key} ${n}`)
    .join(", ") || "—";

const megabytes = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

const liveHeap = (heap: { live: number; liveCalls: number } | undefined) =>
  heap === undefined
    ? "—"
    : `${megabytes(heap.live)} MB (${Math.round(heap.live / heap.liveCalls)})`;

const CLIENT_COLUMNS: ReadonlyArray<Column<ChaosReport>> = [
  ["mode", (r) => r.mode],
  ["calls", (r) => r.tally.calls],
  ["2xx", (r) => sum(r.tally.statuses, (s) => s.startsWith("2"))],
  ["other statuses", (r) => top(r.tally.statuses, (s) => !s.startsWith("2"))],
  ["rejected", (r) => top(r.tally.rejections)],
  ["body errors", (r) => top(r.tally.bodyErrors)],
  ["requests", (r) => r.requests],
  ["closed by client", (r) => r.abandoned],
  [
    "retries / hedges / opens",
    (r) => `${r.events.retries} / ${r.events.hedges} / ${r.events.breakerOpens}`,
  ],
  ["slowest ms", (r) => Math.round(r.tally.slowestMs)],
  ["broken", (r) => r.problems.length],
  ["heap live Δ (B/call)", (r) => liveHeap(r.heap)],
  ["retained MB", (r) => (r.heap ? megabytes(r.heap.retained) : "—")],
  ["s", (r) => (r.durationMs / 1000).toFixed(1)],
];

/** Calls that ended otherwise than with a 200 or the caller's own abort. */
const otherThanOk = (t: CallTally) =>
  sum(t.statuses, (s) => s !== "200") +
  sum(t.rejections, (k) => k !== "caller abort") +
  sum(t.bodyErrors, (k) => k !== "caller abort");

const HUB_COLUMNS: ReadonlyArray<Column<HubChaosReport>> = [
  ["hub", (r) => r.mode],
  ["calls", (r) => r.tally.calls],
  ["200", (r) => r.tally.statuses["200"] ?? 0],
  [
    "caller aborts",
    (r) => (r.tally.rejections["caller abort"] ?? 0) + (r.tally.bodyErrors["caller abort"] ?? 0),
  ],
  ["anything else", (r) => otherThanOk(r.tally)],
  [
    "p50 / p99 / max ms",
    (r) =>
      `${durationQuantile(r.tally, 0.5)} / ${durationQuantile(r.tally, 0.99)} / ${Math.round(r.tally.slowestMs)}`,
  ],
  [
    "snapshots / reports / unreachable",
    (r) => `${r.events.snapshot} / ${r.events.report} / ${r.events.unreachable}`,
  ],
  ["dropped (bound)", (r) => `${r.events.dropped} (${r.droppedOutcomes} outcomes)`],
  ["heap live Δ (B/call)", (r) => liveHeap(r.heap)],
  ["broken", (r) => r.problems.length],
];

function markdown<R>(columns: ReadonlyArray<Column<R>>, reports: readonly R[]): string {
  const rows = [
    columns.map(([header]) => header),
    columns.map(() => "---"),
    ...reports.map((report) => columns.map(([, cell]) => cell(report))),
  ];
  return rows.map((row) => `| ${row.join(" | ")} |`).join("\n");
}

/**
 * The chaos runs as a Markdown table: per mode, what callers got (2xx, other statuses,
 * rejections by kind, body errors), what servers saw, the client's events, invariants
 * broken, heap growth and duration.
 *
 * @example
 * ```ts
 * console.log(formatReports([await chaosRun("mix", 300, 1)]));
 * ```
 */
export function formatReports(reports: readonly ChaosReport[]): string {
  return markdown(CLIENT_COLUMNS, reports);
}

/**
 * The hub chaos runs as a Markdown table, one row per hub mode, to compare with `healthy`:
 * what callers got and how long calls took, and what hub sync did meanwhile.
 *
 * @example
 * ```ts
 * console.log(formatHubReports([await hubChaosRun(hub, "stall", 1_000, 1)]));
 * ```
 */
export function formatHubReports(reports: readonly HubChaosReport[]): string {
  return markdown(HUB_COLUMNS, reports);
}
