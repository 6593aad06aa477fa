import { describe, expect, it } from "vitest";
import { locationSettings } from "../../../worker/model/location-settings";

describe("the location layer's settings", () => {
  it("default to one second for the snapshot cache and the relay flush", () => {
    expect(locationSettings({})).toEqual({ snapshotCacheMs: 1_000, relayFlushMs: 1_000 });
    expect(locationSettings({ HUB_SNAPSHOT_CACHE_MS: "", HUB_RELAY_FLUSH_MS: "" })).toEqual({
      snapshotCacheMs: 1_000,
      relayFlushMs: 1_000,
    });
  });

  it("take whole milliseconds from strings or numbers, 0 turning a part off", () => {
    expect(locationSettings({ HUB_SNAPSHOT_CACHE_MS: "0", HUB_RELAY_FLUSH_MS: 2_500 })).toEqual({
      snapshotCacheMs: 0,
      relayFlushMs: 2_500,
    });
  });

  it.each([
    ["HUB_SNAPSHOT_CACHE_MS", "1.5"],
    ["HUB_SNAPSHOT_CACHE_MS", "-1"],
    ["HUB_RELAY_FLUSH_MS", "60001"],
    ["HUB_RELAY_FLUSH_MS", "soon"],
  ])("refuse %s=%s with a RangeError naming it", (name, value) => {
    expect(() => locationSettings({ [name]: value })).toThrow(RangeError);
    expect(() => locationSettings({ [name]: value })).toThrow(name);
  });
});
