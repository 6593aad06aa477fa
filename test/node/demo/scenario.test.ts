import { describe, expect, it } from "vitest";
import {
  BASE_LATENCY,
  BURSTS,
  describeUpstream,
  latencyMs,
  OUTAGE,
  phaseAt,
  phaseChanges,
  TAIL,
  UPSTREAM_NAMES,
} from "../../../examples/demo/scenario";
import { seededRandom } from "../../../src/testing/seeded-random";

describe("demo scenario", () => {
  it("takes the outage upstream down from 10 s to 30 s, and only it", () => {
    expect(phaseAt("outage", OUTAGE.from - 1)).toBe("up");
    expect(phaseAt("outage", OUTAGE.from)).toBe("down");
    expect(phaseAt("outage", OUTAGE.until - 1)).toBe("down");
    expect(phaseAt("outage", OUTAGE.until)).toBe("up");
    for (const name of ["healthy", "slow-tail"] as const) {
      for (let t = 0; t < 60_000; t += 250) expect(phaseAt(name, t)).toBe("up");
    }
  });

  it("sheds load with 503 for 3 s every 12 s from 4 s on", () => {
    expect(phaseAt("bursty", BURSTS.first - 1)).toBe("up");
    expect(phaseAt("bursty", BURSTS.first)).toBe("503");
    expect(phaseAt("bursty", BURSTS.first + BURSTS.length - 1)).toBe("503");
    expect(phaseAt("bursty", BURSTS.first + BURSTS.length)).toBe("up");
    expect(phaseAt("bursty", BURSTS.first + BURSTS.every)).toBe("503");
  });

  it("lists every phase change inside the run, in order, and agrees with phaseAt", () => {
    const changes = phaseChanges(60_000);
    expect(changes.map((c) => c.at)).toEqual([...changes.map((c) => c.at)].sort((a, b) => a - b));
    expect(changes.filter((c) => c.name === "outage")).toEqual([
      { at: 10_000, name: "outage", phase: "down" },
      { at: 30_000, name: "outage", phase: "up" },
    ]);
    expect(
      changes.filter((c) => c.name === "bursty" && c.phase === "503").map((c) => c.at),
    ).toEqual([4_000, 16_000, 28_000, 40_000, 52_000]);
    for (const c of changes) expect(phaseAt(c.name, c.at)).toBe(c.phase);
    expect(phaseChanges(20_000).every((c) => c.at < 20_000)).toBe(true);
  });

  it("gives the slow-tail upstream a 6% tail of 0.3–1.5 s, and its health path none", () => {
    const random = seededRandom(7);
    const samples = Array.from({ length: 20_000 }, () => latencyMs("slow-tail", random, false));
    const tail = samples.filter((ms) => ms >= TAIL.minMs);
    expect(tail.length / samples.length).toBeGreaterThan(0.05);
    expect(tail.length / samples.length).toBeLessThan(0.07);
    expect(Math.max(...samples)).toBeLessThanOrEqual(TAIL.maxMs);
    for (let i = 0; i < 1_000; i++) {
      const health = latencyMs("slow-tail", random, true);
      expect(health).toBeGreaterThanOrEqual(BASE_LATENCY.minMs);
      expect(health).toBeLessThanOrEqual(BASE_LATENCY.maxMs);
    }
  });

  it("describes each upstream from the same constants", () => {
    expect(UPSTREAM_NAMES.map(describeUpstream)).toEqual([
      "answers in 5–15 ms",
      "6% of answers take 0.3–1.5 s",
      "down from 10 s to 30 s (connections refused)",
      "503 for 3 s every 12 s from 4 s",
    ]);
  });
});
