import { describe, expect, it } from "vitest";
import type { HealthUpstream } from "../health-source";
import { PeakEwma } from "../stats/peak-ewma";
import { DEFAULT_TTL, decideUpstream, RemoteState } from "./remote-state";
import type { RemoteSnapshot, RemoteUpstream, RemoteVerdict } from "./snapshot";

const verdict = (
  v: RemoteVerdict["verdict"],
  signalAt: number | null = null,
  latencyMs: number | null = null,
): RemoteVerdict => ({
  verdict: v,
  breakerHint: v === "down" ? "open" : v === "degraded" ? "half-open" : "closed",
  latencyMs,
  signalAt,
});
const remote = (overrides: Partial<RemoteUpstream> = {}): RemoteUpstream => ({
  url: "https://a",
  drain: false,
  global: verdict("up"),
  location: undefined,
  ...overrides,
});

describe("decideUpstream", () => {
  it("applies this location's verdict while its newest signal is within the TTL", () => {
    const d = decideUpstream(remote({ location: verdict("down", 9_000) }), 10_000, 500, 400, 5_000);
    expect(d).toMatchObject({ gate: 1, verdict: "down", scope: "location", evidenceAt: -500 });
    // It must be decided again when that signal ages past the TTL: 4 s from now.
    expect(d.staleAt).toBe(500 + 4_000);
  });

  it("falls back to the global verdict when the location's is stale or unknown", () => {
    const stale = decideUpstream(
      remote({ global: verdict("down"), location: verdict("up", 1_000) }),
      10_000,
      0,
      0,
      5_000,
    );
    expect(stale).toMatchObject({ gate: 1, scope: "global", verdict: "down" });
    const unknown = decideUpstream(
      remote({ location: verdict("unknown", 9_999) }),
      10_000,
      0,
      0,
      5_000,
    );
    expect(unknown.scope).toBe("global");
  });

  it("maps the breaker hint: open → down, half-open → trickle, closed → none", () => {
    expect(decideUpstream(remote({ global: verdict("degraded") }), 0, 0, 0, 1).gate).toBe(3);
    expect(decideUpstream(remote({ global: verdict("up") }), 0, 0, 0, 1).gate).toBe(0);
  });

  it("drains whatever the verdict", () => {
    const d = decideUpstream(remote({ drain: true, location: verdict("up", 10) }), 10, 0, 0, 1_000);
    expect(d).toMatchObject({ gate: 2, drain: true, verdict: "up" });
  });

  it("takes the chosen verdict's latency, else the global one", () => {
    const d = decideUpstream(
      remote({ global: verdict("up", null, 30), location: verdict("up", 10, null) }),
      10,
      0,
      0,
      1_000,
    );
    expect(d.latencyMs).toBe(30);
  });
});

function upstreams(...bases: string[]): HealthUpstream[] {
  return bases.map((base) => ({ base, remote: 0, ewma: new PeakEwma() }));
}
function snapshot(list: RemoteUpstream[], ttlMs?: number): RemoteSnapshot {
  return { version: 1, generatedAt: 50_000, ttlMs, upstreams: list, lease: undefined };
}

describe("RemoteState", () => {
  it("sets the gates from the snapshot and names the upstreams kept from new calls", () => {
    const state = new RemoteState(undefined);
    const list = upstreams("https://a", "https://b", "https://c");
    state.receive(
      snapshot([remote({ global: verdict("down") }), remote({ url: "https://b", drain: true })]),
      1_000,
    );
    expect(state.apply(list, 1_000)).toEqual(["https://a", "https://b"]);
    expect(list.map((u) => u.remote)).toEqual([1, 2, 0]);
    expect(state.status("https://a", 1_500)).toEqual({
      verdict: "down",
      scope: "global",
      ageMs: 500,
      drain: false,
      gate: "down",
    });
    expect(state.status("https://c", 1_500)).toBeUndefined();
  });

  it("ignores everything once the snapshot is older than its TTL (the hub's, else the option)", () => {
    const state = new RemoteState(undefined);
    const list = upstreams("https://a");
    state.receive(snapshot([remote({ global: verdict("down") })], 4_000), 1_000);
    state.apply(list, 1_000);
    expect(state.ttl).toBe(4_000);
    expect(state.due(5_000)).toBe(false);
    expect(state.due(5_001)).toBe(true);
    expect(state.apply(list, 5_001)).toEqual([]);
    expect(list[0]!.remote).toBe(0);
    expect(state.status("https://a", 5_001)).toBeUndefined();
    // A 304 confirms it: applied again.
    state.confirm(6_000);
    state.apply(list, 6_000);
    expect(list[0]!.remote).toBe(1);
    expect(new RemoteState(1_234).ttl).toBe(1_234);
    expect(new RemoteState(undefined).ttl).toBe(DEFAULT_TTL);
  });

  it("ignores the drains when every upstream is drained, rather than leave nothing to call", () => {
    const state = new RemoteState(undefined);
    const list = upstreams("https://a", "https://b");
    state.receive(
      snapshot([remote({ drain: true }), remote({ url: "https://b", drain: true })]),
      0,
    );
    expect(state.apply(list, 0)).toEqual([]);
    expect(list.map((u) => u.remote)).toEqual([0, 0]);
  });

  it("seeds the latency estimate of upstreams without local samples, and only those", () => {
    const state = new RemoteState(undefined);
    const list = upstreams("https://a", "https://b");
    list[1]!.ewma.observe(5, 0);
    state.receive(
      snapshot([
        remote({ global: verdict("up", null, 80) }),
        remote({ url: "https://b", global: verdict("up", null, 80) }),
      ]),
      100,
    );
    state.apply(list, 100);
    expect((list[0]!.ewma as PeakEwma).valueAt(100)).toBe(80);
    expect((list[1]!.ewma as PeakEwma).valueAt(0)).toBe(5);
  });
});
