import { describe, expect, it } from "vitest";
import type { HealthUpstream, LocalState } from "../health-source";
import { buildReport, type ReportInput } from "./report-body";
import { ReportQueue } from "./report-queue";

const upstream = (base: string): HealthUpstream => ({
  base,
  remote: 0,
  ewma: { hasHistory: false, observe: () => {} },
});

function input(overrides: Partial<ReportInput> = {}): ReportInput {
  return {
    colo: undefined,
    entries: new Map(),
    upstreams: [upstream("https://a"), upstream("https://b")],
    stateOf: () => "up",
    causes: new Map(),
    known: new Set(["https://a", "https://b"]),
    heartbeats: undefined,
    ...overrides,
  };
}

describe("buildReport", () => {
  it("has nothing to say without outcomes, trips or heartbeats", () => {
    expect(buildReport(input())).toBeUndefined();
  });

  it("reports each upstream's counts by kind, latency rounded to µs", () => {
    const queue = new ReportQueue(5);
    queue.record("https://a", "success", 1.23456);
    queue.record("https://a", "failure", 3);
    queue.record("https://a", "network", 3);
    queue.seal();
    const batch = buildReport(input({ colo: "AMS", entries: queue.take().entries }));
    expect(batch).toEqual({
      colo: "AMS",
      upstreams: [
        {
          url: "https://a",
          successes: 1,
          failures: 1,
          networkErrors: 1,
          timeouts: 0,
          latency: { count: 1, sumMs: 1.235, maxMs: 1.235 },
        },
      ],
    });
  });

  it("says which upstreams this client holds out of rotation, and what took them out", () => {
    const states: Record<string, LocalState> = { "https://a": "open", "https://b": "ejected" };
    const batch = buildReport(
      input({
        stateOf: (u) => states[u.base]!,
        causes: new Map([["https://a", "answers"]]),
      }),
    );
    expect(batch?.upstreams).toEqual([
      {
        url: "https://a",
        successes: 0,
        failures: 0,
        networkErrors: 0,
        timeouts: 0,
        outOfRotation: { answers: 1, unreachable: 0 },
      },
      // No failure seen (e.g. a restored breaker): only the narrower claim, about this path.
      {
        url: "https://b",
        successes: 0,
        failures: 0,
        networkErrors: 0,
        timeouts: 0,
        outOfRotation: { answers: 0, unreachable: 1 },
      },
    ]);
  });

  it("does not count half-open or isolated (by hand) as out of rotation", () => {
    const states: Record<string, LocalState> = {
      "https://a": "half-open",
      "https://b": "isolated",
    };
    expect(buildReport(input({ stateOf: (u) => states[u.base]! }))).toBeUndefined();
  });

  it("leaves out upstreams the hub does not know (it would refuse the whole batch)", () => {
    const queue = new ReportQueue(5);
    queue.record("https://a", "success", 1);
    queue.record("https://z", "success", 1);
    queue.seal();
    const batch = buildReport(input({ entries: queue.take().entries }));
    expect(batch?.upstreams?.map((e) => e.url)).toEqual(["https://a"]);
  });

  it("carries lease heartbeats, alone if need be", () => {
    const heartbeats = {
      leaseId: "l1",
      results: [{ url: "https://a", status: 200, latencyMs: 3 }],
    };
    expect(buildReport(input({ heartbeats }))).toEqual({ heartbeats });
  });
});
