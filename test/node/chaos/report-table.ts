import type { ChaosReport } from "./chaos-run";
import type { HubChaosReport } from "./hub-chaos-run";
import { durationQuantile } from "./run-calls";

const sum = (table: Record<string, number>, keep: (key: string) => boolean = () => true) =>
  Object.entries(table).reduce((total, [key, n]) => (keep(key) ? total + n : total), 0);

const top = (table: Record<string, number>) =>
  Object.entries(table)
    .sort((a, b) => b[1] - a[1])
    .map(([key, n]) => `${key} ${n}`)
    .join(", ") || "—";

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
  const head = [
    "mode",
    "calls",
    "2xx",
    "other statuses",
    "rejected",
    "body errors",
    "requests",
    "closed by client",
    "retries / hedges / opens",
    "slowest ms",
    "broken",
    "heap live Δ (B/call)",
    "retained MB",
    "s",
  ];
  const rows = reports.map((r) => {
    const t = r.tally;
    return [
      r.mode,
      t.calls,
      sum(t.statuses, (s) => s.startsWith("2")),
      top(Object.fromEntries(Object.entries(t.statuses).filter(([s]) => !s.startsWith("2")))),
      top(t.rejections),
      top(t.bodyErrors),
      r.requests,
      r.abandoned,
      `${r.events.retries} / ${r.events.hedges} / ${r.events.breakerOpens}`,
      Math.round(t.slowestMs),
      r.problems.length,
      r.heap ? liveHeap(r.heap) : "—",
      r.heap ? (r.heap.retained / 2 ** 20).toFixed(1) : "—",
      (r.durationMs / 1000).toFixed(1),
    ];
  });
  return markdown(head, rows);
}

function liveHeap(heap: { live: number; liveCalls: number }): string {
  return `${(heap.live / 2 ** 20).toFixed(1)} MB (${Math.round(heap.live / heap.liveCalls)})`;
}

function markdown(head: readonly unknown[], rows: readonly unknown[][]): string {
  return [head, head.map(() => "---"), ...rows].map((row) => `| ${row.join(" | ")} |`).join("\n");
}

/**
 * The hub chaos runs as a Markdown table, one row per hub mode, to compare with `healthy`:
 * what callers got and how long calls took, and what hub sync did meanwhile.
 *
 * @example
 * ```ts
 * console.log(formatHubReports([await hubChaosRun(hub, "stall", 1_000, 1, "svc")]));
 * ```
 */
export function formatHubReports(reports: readonly HubChaosReport[]): string {
  const head = [
    "hub",
    "calls",
    "200",
    "caller aborts",
    "anything else",
    "p50 / p99 / max ms",
    "snapshots / reports / unreachable",
    "dropped (bound)",
    "heap live Δ (B/call)",
    "broken",
  ];
  const rows = reports.map((r) => {
    const t = r.tally;
    const others =
      sum(t.statuses, (s) => s !== "200") +
      sum(t.rejections, (k) => k !== "caller abort") +
      sum(t.bodyErrors, (k) => k !== "caller abort");
    return [
      r.mode,
      t.calls,
      t.statuses["200"] ?? 0,
      (t.rejections["caller abort"] ?? 0) + (t.bodyErrors["caller abort"] ?? 0),
      others,
      `${durationQuantile(t, 0.5)} / ${durationQuantile(t, 0.99)} / ${Math.round(t.slowestMs)}`,
      `${r.events.snapshot} / ${r.events.report} / ${r.events.unreachable}`,
      `${r.events.dropped} (${r.droppedOutcomes} outcomes)`,
      liveHeap(r.heap),
      r.problems.length,
    ];
  });
  return markdown(head, rows);
}
