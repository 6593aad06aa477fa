/**
 * The end-of-run summary, computed from what the run recorded and nothing else: each
 * caller's calls and attempts, the errors its callers saw, p99 with and without hedging,
 * and how the outage travelled from the location that met it first to the other one
 * (outage.ts). Pure maths plus a renderer; no figure is assumed or written in advance.
 */
import { ms, percent, percentile, wrap } from "./format";
import { measureOutage, type Outage, type OutageFacts, outageLines } from "./outage";
import type { CallerRecord } from "./recorder";
import { type Column, renderTable } from "./table";

/** One caller's counts over the run. */
export interface CallerTotals {
  name: string;
  calls: number;
  ok: number;
  errors: number;
  /** Cut short by Ctrl-C. */
  stopped: number;
  /** Attempts sent, as the library (or the control) counted them. */
  attempts: number;
  attemptsOk: number;
  attemptsFailed: number;
  /** Aborted: a hedge that lost, or cut short by Ctrl-C. */
  attemptsCancelled: number;
  p50: number | null;
  p99: number | null;
  hedges: number;
}

/** What the summary is computed from. */
export interface SummaryInput extends OutageFacts {
  elapsedMs: number;
  rate: number;
  interrupted: boolean;
  /** Every caller, with the attempts it sent by its own count (the library's `stats()`). */
  callers: Array<{ record: CallerRecord; attemptsSent: number }>;
  /** The callers compared: the library ones, AAA with and without hedging, the control. */
  library: CallerRecord[];
  hedged: CallerRecord;
  unhedged: CallerRecord;
  control: CallerRecord;
}

/** The summary's figures. */
export interface Summary {
  input: SummaryInput;
  totals: CallerTotals[];
  failedAttempts: { failed: number; sent: number };
  libraryErrors: { errors: number; calls: number };
  controlErrors: { errors: number; calls: number };
  outage: Outage;
}

/**
 * The figures.
 *
 * @example
 * ```ts
 * const summary = summarize(input);
 * summary.libraryErrors.errors; // errors the library's callers saw
 * ```
 */
export function summarize(input: SummaryInput): Summary {
  const totals = input.callers.map(({ record, attemptsSent }) =>
    callerTotals(record, attemptsSent),
  );
  const sum = (names: readonly CallerRecord[], key: "errors" | "calls") =>
    names.reduce((n, r) => n + totals.find((t) => t.name === r.name)![key], 0);
  return {
    input,
    totals,
    failedAttempts: {
      failed: totals.reduce((n, t) => n + t.attemptsFailed, 0),
      sent: totals.reduce((n, t) => n + t.attempts, 0),
    },
    libraryErrors: { errors: sum(input.library, "errors"), calls: sum(input.library, "calls") },
    controlErrors: { errors: sum([input.control], "errors"), calls: sum([input.control], "calls") },
    outage: measureOutage(input),
  };
}

/**
 * A caller's totals.
 *
 * @example
 * ```ts
 * callerTotals(record, client.stats().upstreams.reduce((n, u) => n + u.requests, 0));
 * ```
 */
export function callerTotals(record: CallerRecord, attemptsSent: number): CallerTotals {
  const count = (outcome: string) => record.attempts.filter((a) => a.outcome === outcome).length;
  return {
    name: record.name,
    calls: record.calls,
    ok: record.ok,
    errors: record.errors,
    stopped: record.cancelled,
    attempts: attemptsSent,
    attemptsOk: count("ok"),
    attemptsFailed: count("failed"),
    attemptsCancelled: count("cancelled"),
    p50: percentile(record.latencies, 0.5),
    p99: percentile(record.latencies, 0.99),
    hedges: record.hedges,
  };
}

const COLUMNS: Column[] = [
  { title: "caller", width: 12 },
  { title: "all", width: 6, align: "right", group: "calls" },
  { title: "ok", width: 6, align: "right", group: "calls" },
  { title: "errors", width: 6, align: "right", group: "calls" },
  { title: "stopped", width: 7, align: "right", group: "calls" },
  { title: "sent", width: 6, align: "right", group: "attempts at upstreams" },
  { title: "ok", width: 6, align: "right", group: "attempts at upstreams" },
  { title: "failed", width: 6, align: "right", group: "attempts at upstreams" },
  { title: "cancel", width: 6, align: "right", group: "attempts at upstreams" },
  { title: "p50", width: 5, align: "right", group: "calls, ms" },
  { title: "p99", width: 5, align: "right", group: "calls, ms" },
];

/**
 * The summary as lines of at most 100 columns.
 *
 * @example
 * ```ts
 * console.log(renderSummary(summarize(input)).join("\n"));
 * ```
 */
export function renderSummary(summary: Summary): string[] {
  const { input, failedAttempts, libraryErrors, controlErrors } = summary;
  const t = (record: CallerRecord) => summary.totals.find((x) => x.name === record.name)!;
  const hedged = t(input.hedged);
  const unhedged = t(input.unhedged);
  const of = (part: number, whole: number) =>
    `${part} of ${whole} (${percent(whole > 0 ? part / whole : null)})`;
  const how = input.interrupted ? "stopped by Ctrl-C after" : "after";
  return [
    `Summary, ${how} ${(input.elapsedMs / 1_000).toFixed(1)} s at ${input.rate} calls/s per caller (all measured in this run):`,
    "",
    ...renderTable(
      COLUMNS,
      summary.totals.map((x) => [
        x.name,
        ...[x.calls, x.ok, x.errors, x.stopped].map(String),
        ...[x.attempts, x.attemptsOk, x.attemptsFailed, x.attemptsCancelled].map(String),
        ms(x.p50),
        ms(x.p99),
      ]),
    ),
    "",
    ...[
      `Upstream attempts that failed: ${of(failedAttempts.failed, failedAttempts.sent)}, all callers.`,
      `Errors callers saw: with the library (${input.library.map((r) => r.name).join(", ")}) ${of(libraryErrors.errors, libraryErrors.calls)}; control ${of(controlErrors.errors, controlErrors.calls)}.`,
      `p99 of calls: ${input.hedged.name} with hedging ${ms(hedged.p99)} ms; ${input.unhedged.name} (same options and traffic, no hedging) ${ms(unhedged.p99)} ms; control ${ms(t(input.control).p99)} ms. ${input.hedged.name} sent ${hedged.hedges} hedges (${percent(hedged.calls > 0 ? hedged.hedges / hedged.calls : null)} of its calls).`,
    ].flatMap((line) => wrap(line)),
    "",
    ...outageLines(summary.outage),
  ];
}
