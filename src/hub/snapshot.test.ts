import { describe, expect, it } from "vitest";
import { parseSnapshot } from "./snapshot";

const upstream = (extra: Record<string, unknown> = {}) => ({
  url: "https://a",
  verdict: "down",
  breakerHint: "open",
  latencyEwmaMs: 12.5,
  drain: false,
  locations: {
    AMS: {
      verdict: "up",
      breakerHint: "closed",
      latencyEwmaMs: 4,
      reportedAt: 900,
      lastHeartbeat: { at: 950 },
    },
    LHR: {
      verdict: "down",
      breakerHint: "open",
      latencyEwmaMs: null,
      reportedAt: null,
      lastHeartbeat: null,
    },
  },
  ...extra,
});
const body = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    service: "s",
    version: 7,
    generatedAt: 1_000,
    ttlMs: 32_000,
    upstreams: [upstream()],
    ...extra,
  });

describe("parseSnapshot", () => {
  it("keeps the global verdict and this location's, with its newest signal time", () => {
    const snapshot = parseSnapshot(body(), "AMS");
    expect(snapshot).toMatchObject({
      version: 7,
      generatedAt: 1_000,
      ttlMs: 32_000,
      lease: undefined,
    });
    expect(snapshot.upstreams[0]).toEqual({
      url: "https://a",
      drain: false,
      global: { verdict: "down", breakerHint: "open", latencyMs: 12.5, signalAt: null },
      location: { verdict: "up", breakerHint: "closed", latencyMs: 4, signalAt: 950 },
    });
  });

  it("has no location verdict for a location the hub has not heard from, or without a colo", () => {
    expect(parseSnapshot(body(), "SIN").upstreams[0]!.location).toBeUndefined();
    expect(parseSnapshot(body(), undefined).upstreams[0]!.location).toBeUndefined();
  });

  it("reads the location from a probe lease when the client has none configured", () => {
    const lease = {
      id: "l",
      colo: "LHR",
      expiresAt: 5_000,
      timeout: 500,
      targets: [{ url: "https://a", probeUrl: "https://a/health", expectedStatus: [200] }],
    };
    const snapshot = parseSnapshot(body({ lease }), undefined);
    expect(snapshot.lease).toEqual({ id: "l", colo: "LHR", timeout: 500, targets: lease.targets });
    expect(snapshot.upstreams[0]!.location?.verdict).toBe("down");
  });

  it("derives the breaker hint from the verdict when it is missing, and reads drain", () => {
    const snapshot = parseSnapshot(
      body({ upstreams: [upstream({ breakerHint: undefined, verdict: "degraded", drain: true })] }),
      undefined,
    );
    expect(snapshot.upstreams[0]).toMatchObject({
      drain: true,
      global: { breakerHint: "half-open" },
    });
  });

  it.each([
    ["not JSON", "<html>oops</html>"],
    ["not an object", "[1,2]"],
    ["no version", JSON.stringify({ generatedAt: 1, upstreams: [] })],
    ["upstreams not a list", JSON.stringify({ version: 1, generatedAt: 1, upstreams: {} })],
    ["a bad verdict", body({ upstreams: [upstream({ verdict: "fine" })] })],
    ["an upstream without url", body({ upstreams: [{ verdict: "up" }] })],
    ["a bad location", body({ upstreams: [upstream({ locations: { AMS: 3 } })] })],
    ["a bad lease", body({ lease: { id: 1 } })],
    [
      "a lease target without statuses",
      body({ lease: { id: "l", colo: "X", timeout: 1, targets: [{ url: "a", probeUrl: "b" }] } }),
    ],
  ])("refuses %s with a TypeError", (_name, text) => {
    expect(() => parseSnapshot(text, "AMS")).toThrow(TypeError);
  });
});
