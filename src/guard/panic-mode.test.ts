import { describe, expect, it } from "vitest";
import { panicMode } from "./panic-mode";

describe("panicMode", () => {
  it.each([
    [10, 10, 0.5, false],
    [5, 10, 0.5, false],
    [4, 10, 0.5, true],
    [0, 3, 0.5, true],
    [1, 2, 0.5, false],
    [0, 0, 0.5, false],
    [0, 5, 0, false],
    [9, 10, 1, true],
    [10, 10, 1, false],
  ])("healthy %i of %i with threshold %d panics: %s", (healthy, total, threshold, expected) => {
    expect(panicMode(healthy, total, threshold)).toBe(expected);
  });

  it("defaults the threshold to 0.5", () => {
    expect(panicMode(2, 5)).toBe(true);
    expect(panicMode(3, 5)).toBe(false);
  });
});
