import { describe, expect, it } from "vitest";
import { type HubSyncOptions, resolveHubSyncOptions } from "./hub-sync-options";

const base: HubSyncOptions = { hub: "https://hub.example/", service: "payments", token: "t0k" };

describe("resolveHubSyncOptions", () => {
  it("fills in the documented defaults", () => {
    const resolved = resolveHubSyncOptions(base);
    expect(resolved).toMatchObject({
      service: "payments",
      token: "t0k",
      colo: undefined,
      reportInterval: 2_000,
      reportAfter: 1_000,
      refreshInterval: 2_000,
      firstSync: 100,
      timeout: 2_000,
      ttl: undefined,
      maxBackoff: 60_000,
      maxQueued: 30,
      background: true,
    });
  });

  it("sends to the hub URL's paths with the given fetch, or through a service binding", async () => {
    const seen: string[] = [];
    const fetch = async (input: string | URL | Request) => {
      seen.push(String(input));
      return new Response("{}");
    };
    await resolveHubSyncOptions({ ...base, fetch }).hub("/v1/x", {});
    await resolveHubSyncOptions({ ...base, hub: { fetch } }).hub("/v1/y", {});
    expect(seen).toEqual(["https://hub.example/v1/x", "https://hub/v1/y"]);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ["hub", { hub: 42 }, /^health\.hub must be the hub's URL or a service binding/],
    ["hub", { hub: "not a url" }, /^health\.hub is not an absolute URL/],
    ["hub", { hub: "ftp://hub" }, /^health\.hub must be an http\(s\) URL/],
    ["service", { service: "pay ments" }, /^health\.service must match/],
    ["service", { service: undefined }, /^health\.service must match .*got undefined/],
    ["token", { token: "" }, /^health\.token must match/],
    ["colo", { colo: "LHR!" }, /^health\.colo must match/],
    [
      "reportInterval",
      { reportInterval: 0 },
      /^health\.reportInterval must be a number in \[1, 3600000\]/,
    ],
    ["refreshInterval", { refreshInterval: Number.NaN }, /^health\.refreshInterval must be/],
    ["firstSync", { firstSync: -1 }, /^health\.firstSync must be/],
    ["reportAfter", { reportAfter: 1.5 }, /^health\.reportAfter must be an integer/],
    ["ttl", { ttl: 0 }, /^health\.ttl must be/],
    ["maxQueued", { maxQueued: 0 }, /^health\.maxQueued must be an integer/],
    ["background", { background: "yes" }, /^health\.background must be a boolean/],
    ["fetch", { fetch: "fetch" }, /^health\.fetch must be a function/],
    ["an unknown option", { interval: 5 }, /^health\.interval is not an option/],
  ])("rejects a bad %s, naming it", (_name, overrides, message) => {
    expect(() => resolveHubSyncOptions({ ...base, ...overrides } as HubSyncOptions)).toThrow(
      message,
    );
  });

  it("throws a RangeError for numbers out of range and a TypeError for wrong types", () => {
    expect(() => resolveHubSyncOptions({ ...base, timeout: 0 })).toThrow(RangeError);
    expect(() => resolveHubSyncOptions({ ...base, timeout: "1" as unknown as number })).toThrow(
      TypeError,
    );
    expect(() => resolveHubSyncOptions(undefined as unknown as HubSyncOptions)).toThrow(TypeError);
  });
});
