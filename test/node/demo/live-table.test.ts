import { describe, expect, it } from "vitest";
import {
  type LiveView,
  renderFrame,
  storyLine,
  type UpstreamRow,
} from "../../../examples/demo/live-table";
import { ansi } from "../../../examples/demo/table";

const row = (name: string, over: Partial<UpstreamRow> = {}): UpstreamRow => ({
  name,
  phase: "up",
  breakers: { AAA: "closed", BBB: "closed" },
  verdicts: { AAA: "up", BBB: "up", all: "up" },
  share: 0.25,
  p50: 12,
  p99: 48,
  failed: 0,
  availability: 1,
  mtbfMs: null,
  mttrMs: null,
  ...over,
});

function view(over: Partial<LiveView> = {}): LiveView {
  return {
    elapsedMs: 23_456,
    durationMs: 60_000,
    rate: 20,
    dashboard: "http://127.0.0.1:65535/dashboard?service=demo",
    readToken: "read-0a1b2c3d",
    hubError: undefined,
    upstreams: [
      row("healthy"),
      row("slow-tail", { p99: 1_487 }),
      row("outage", {
        phase: "down",
        breakers: { AAA: "half-open", BBB: "open" },
        verdicts: { AAA: "down", BBB: "down", all: "degraded" },
        share: 0.0004,
        failed: 123_456,
        availability: 0.4385,
        mtbfMs: 14_600,
        mttrMs: 3_723_000,
      }),
      row("bursty", {
        phase: "503",
        verdicts: { AAA: undefined, BBB: "unknown", all: undefined },
        share: null,
        p50: null,
        p99: null,
      }),
    ],
    callers: [
      {
        name: "AAA",
        role: "library, hub, hedging",
        calls: 123_456,
        errors: 0,
        attempts: 999_999,
        failedAttempts: 99_999,
        p50: 12,
        p99: 99_999,
        retries: 9_999_999,
        hedges: 999_999,
      },
      {
        name: "control",
        role: "fetch, round robin",
        calls: 1_201,
        errors: 175,
        attempts: 1_201,
        failedAttempts: 175,
        p50: 10,
        p99: 529,
        retries: 0,
        hedges: 0,
      },
    ],
    story: [
      { at: 10_020, who: "AAA", what: `breaker for outage: closed → open ${"x".repeat(120)}` },
    ],
    ...over,
  };
}

describe("demo live table", () => {
  it("fits 100 columns, even with the widest values", () => {
    const lines = renderFrame(view({ hubError: "health: 500".repeat(20) }));
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(100);
  });

  it("shows the dashboard with its read token, then per upstream what it does, the breakers and the hub's verdicts", () => {
    const lines = renderFrame(view());
    expect(lines[0]).toBe(
      "resilient-fetch demo: 23.5 s of 60.0 s, 20 calls/s per caller (Ctrl-C stops)",
    );
    expect(lines[1]).toBe(
      "dashboard: http://127.0.0.1:65535/dashboard?service=demo  read token: read-0a1b2c3d",
    );
    const outage = lines.find((l) => l.startsWith("outage"))!;
    expect(outage.split(/\s+/)).toEqual([
      "outage",
      "down",
      "half",
      "open",
      "down",
      "down",
      "degraded",
      "0.04%",
      "12",
      "48",
      "123456",
      "43.9%",
      "14.6s",
      "62m03s",
    ]);
    const bursty = lines.find((l) => l.startsWith("bursty"))!;
    expect(bursty.split(/\s+/)).toEqual([
      "bursty",
      "503",
      "closed",
      "closed",
      "–",
      "–",
      "–",
      "–",
      "–",
      "–",
      "0",
      "100%",
      "–",
      "–",
    ]);
    expect(lines.find((l) => l.startsWith("control"))!.split(/\s{2,}/)).toEqual([
      "control",
      "fetch, round robin",
      "1201",
      "175",
      "1201",
      "175",
      "10",
      "529",
      "0",
      "0",
    ]);
  });

  it("tells the story last, each line cut to fit", () => {
    const lines = renderFrame(view());
    expect(lines.at(-1)).toMatch(/^ {2}10\.0 s {2}AAA {7}breaker for outage: closed → open x+…$/);
    expect(
      storyLine({ at: 4_000, who: "bursty", what: "starts answering 503 to everything" }),
    ).toBe("   4.0 s  bursty    starts answering 503 to everything");
  });

  it("colours what is down red and what is up green when asked", () => {
    const lines = renderFrame(view(), ansi);
    const outage = lines.find((l) => l.startsWith("outage"))!;
    expect(outage).toContain("\x1b[31mdown\x1b[0m");
    expect(outage).toContain("\x1b[33mhalf  \x1b[0m");
    expect(lines.find((l) => l.startsWith("healthy"))).toContain("\x1b[32mup  \x1b[0m");
  });
});
