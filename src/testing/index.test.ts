import { describe, expect, it } from "vitest";
import * as testing from "./index";

describe("resilient-fetch/testing entry", () => {
  it("exports exactly the documented runtime names", () => {
    expect(Object.keys(testing).sort()).toEqual([
      "ManualClock",
      "constant",
      "createSimulatedFleet",
      "exponential",
      "lognormal",
      "runSimulation",
      "seededRandom",
      "settle",
      "summarize",
      "uniform",
      "withStragglers",
    ]);
  });
});
