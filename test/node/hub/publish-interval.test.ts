import { describe, expect, it } from "vitest";
import { publishIntervalMs } from "../../../worker/model/publish-interval";

describe("the publish interval of count-only changes", () => {
  it("is one snapshot cache interval up to 50 locations", () => {
    expect(publishIntervalMs(0, 1_000)).toBe(1_000);
    expect(publishIntervalMs(1, 1_000)).toBe(1_000);
    expect(publishIntervalMs(50, 1_000)).toBe(1_000);
  });

  it("grows by one cache interval per 50 locations, up to 10 intervals", () => {
    expect(publishIntervalMs(100, 1_000)).toBe(2_000);
    expect(publishIntervalMs(300, 1_000)).toBe(6_000);
    expect(publishIntervalMs(500, 1_000)).toBe(10_000);
    expect(publishIntervalMs(5_000, 1_000)).toBe(10_000);
  });

  it("scales with the snapshot cache interval, so a dilated hub holds counts back as long in its own time", () => {
    expect(publishIntervalMs(300, 5_000)).toBe(5 * publishIntervalMs(300, 1_000));
    expect(publishIntervalMs(10, 60_000)).toBe(60_000);
  });
});
