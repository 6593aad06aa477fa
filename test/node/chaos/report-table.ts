import type { ChaosReport } from "./chaos-run";

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
      `${(r.heap.live / 2 ** 20).toFixed(1)} MB (${Math.round(r.heap.live / r.heap.liveCalls)})`,
      (r.heap.retained / 2 ** 20).toFixed(1),
      (r.durationMs / 1000).toFixed(1),
    ];
  });
  return [head, head.map(() => "---"), ...rows].map((row) => `| ${row.join(" | ")} |`).join("\n");
}
