import { describe, expect, it } from "vitest";
import { EWMA_TAU_MS, updateEwma } from "../../../worker/model/ewma";

describe("time-decayed EWMA", () => {
  it("starts at the first sample", () => {
    expect(updateEwma(null, 42, 5)).toEqual({ value: 42, at: 5 });
  });

  it("weighs a sample by the time since the previous one", () => {
    const after = updateEwma({ value: 10, at: 0 }, 20, EWMA_TAU_MS);
    expect(after.value).toBeCloseTo(10 + 10 * (1 - Math.exp(-1)));
    expect(updateEwma({ value: 10, at: 0 }, 20, 100 * EWMA_TAU_MS).value).toBeCloseTo(20);
  });

  it("still moves a little for samples in the same millisecond", () => {
    expect(updateEwma({ value: 10, at: 0 }, 30, 0).value).toBeCloseTo(11);
  });
});
