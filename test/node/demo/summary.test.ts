import { describe, expect, it } from "vitest";
import { CallerRecord } from "../../../examples/demo/recorder";
import { renderSummary, type SummaryInput, summarize } from "../../../examples/demo/summary";

function caller(
  name: string,
  calls: Array<["ok" | "error" | "cancelled", number]>,
  failedAttempts = 0,
) {
  const record = new CallerRecord(name, "");
  for (const [outcome, ms] of calls) {
    record.calls++;
    record.callEnded(outcome, ms);
    record.attempt({
      at: 0,
      upstream: "u",
      ms,
      outcome: outcome === "cancelled" ? "cancelled" : "ok",
    });
  }
  for (let i = 0; i < failedAttempts; i++)
    record.attempt({ at: 0, upstream: "u", ms: 1, outcome: "failed" });
  return record;
}

const steady = (n: number, ms: (i: number) => number) =>
  Array.from({ length: n }, (_, i): ["ok", number] => ["ok", ms(i)]);

function input(): SummaryInput {
  const aaa = caller(
    "AAA",
    steady(200, (i) => 10 + (i % 10)),
    6,
  );
  aaa.hedges = 12;
  const bbb = caller("BBB", [...steady(199, () => 12), ["error", 3_000]], 9);
  const twin = caller(
    "AAA no-hedge",
    steady(200, (i) => (i < 196 ? 11 : 800)),
    7,
  );
  const control = caller("control", [
    ...steady(170, () => 9),
    ...Array.from({ length: 30 }, (): ["error", number] => ["error", 2]),
  ]);
  return {
    elapsedMs: 10_000,
    rate: 20,
    interrupted: false,
    callers: [aaa, bbb, twin, control].map((record) => ({
      record,
      attemptsSent: record.attempts.length,
    })),
    library: [aaa, bbb],
    hedged: aaa,
    unhedged: twin,
    control,
    outage: { url: "x", name: "outage", downAt: null, upAt: null, startsAt: 10_000 },
    locations: [aaa, bbb],
    hubEvents: [],
    startedAtEpoch: 0,
    quietMs: 1_000,
  };
}

describe("demo summary", () => {
  it("adds up failed attempts over every caller and the errors callers saw, library against control", () => {
    const summary = summarize(input());
    // 6 + 9 + 7 failed attempts; every caller sent one attempt per call besides.
    expect(summary.failedAttempts).toEqual({ failed: 22, sent: 200 + 6 + 200 + 9 + 200 + 7 + 200 });
    expect(summary.libraryErrors).toEqual({ errors: 1, calls: 400 });
    expect(summary.controlErrors).toEqual({ errors: 30, calls: 200 });
  });

  it("takes p50 and p99 over finished calls, errors included, and leaves out calls cut short", () => {
    const data = input();
    data.hedged.calls++;
    data.hedged.callEnded("cancelled", 60_000);
    const totals = summarize(data).totals;
    expect(totals.map((t) => [t.name, t.p50, t.p99])).toEqual([
      ["AAA", 14, 19],
      ["BBB", 12, 12],
      ["AAA no-hedge", 11, 800],
      ["control", 9, 9],
    ]);
    expect(totals[0]).toMatchObject({ calls: 201, ok: 200, errors: 0, stopped: 1 });
  });

  it("prints the table and the comparisons from the same figures, within 100 columns", () => {
    const lines = renderSummary(summarize(input()));
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
    const text = lines.join("\n");
    expect(text).toMatch(/^Summary, after 10\.0 s at 20 calls\/s per caller/);
    expect(text).toMatch(/^AAA +200 +200 +0 +0 +206 +200 +6 +0 +14 +19$/m);
    expect(text).toMatch(/^control +200 +170 +30 +0 +200 +200 +0 +0 +9 +9$/m);
    const flat = text.replace(/\s+/g, " ");
    expect(flat).toContain("Upstream attempts that failed: 22 of 822 (2.7%), all callers.");
    expect(flat).toContain(
      "with the library (AAA, BBB) 1 of 400 (0.25%); control 30 of 200 (15.0%).",
    );
    expect(flat).toContain(
      "AAA with hedging 19 ms; AAA no-hedge (same options and traffic, no hedging) 800 ms; control 9 ms. AAA sent 12 hedges (6.0% of its calls).",
    );
    expect(flat).toContain("The outage upstream had not gone down yet");
  });

  it("says when Ctrl-C stopped the run", () => {
    const data = { ...input(), interrupted: true, elapsedMs: 7_300 };
    expect(renderSummary(summarize(data))[0]).toMatch(/^Summary, stopped by Ctrl-C after 7\.3 s/);
  });
});
