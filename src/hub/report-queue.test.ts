import { describe, expect, it } from "vitest";
import { ReportQueue } from "./report-queue";

describe("ReportQueue", () => {
  it("counts outcomes per upstream by kind, with the latency of the successes", () => {
    const queue = new ReportQueue(10);
    queue.record("a", "success", 10);
    queue.record("a", "success", 30);
    queue.record("a", "failure", 5);
    queue.record("a", "network", 1);
    queue.record("a", "timeout", 1_000);
    expect(queue.record("b", "success", 7)).toBe(6);
    queue.seal();
    const { entries, outcomes } = queue.take();
    expect(outcomes).toBe(6);
    expect(entries.get("a")).toEqual({
      successes: 2,
      failures: 1,
      networkErrors: 1,
      timeouts: 1,
      latencyCount: 2,
      latencySum: 40,
      latencyMax: 30,
    });
    expect(entries.get("b")?.successes).toBe(1);
  });

  it("merges the sealed batches it sends: counts add up, the max is the max", () => {
    const queue = new ReportQueue(10);
    queue.record("a", "success", 50);
    queue.seal();
    queue.record("a", "success", 20);
    queue.record("a", "failure", 1);
    queue.seal();
    const { batches, entries, outcomes } = queue.take();
    expect(batches).toHaveLength(2);
    expect(outcomes).toBe(3);
    expect(entries.get("a")).toMatchObject({
      successes: 2,
      failures: 1,
      latencySum: 70,
      latencyMax: 50,
    });
  });

  it("keeps what was taken until it is acknowledged, then forgets exactly that", () => {
    const queue = new ReportQueue(10);
    queue.record("a", "success", 1);
    queue.seal();
    const sent = queue.take();
    queue.record("a", "failure", 1);
    queue.seal();
    expect(queue.queued).toBe(2);
    queue.acknowledge(sent.batches);
    expect(queue.queued).toBe(1);
    expect(queue.take().entries.get("a")).toMatchObject({ successes: 0, failures: 1 });
  });

  it("stays bounded: beyond maxQueued sealed batches the oldest is dropped and counted", () => {
    const queue = new ReportQueue(3);
    let dropped = 0;
    for (let i = 0; i < 10; i++) {
      for (let j = 0; j <= i; j++) queue.record("a", "success", 1);
      dropped += queue.seal();
    }
    expect(queue.queued).toBe(3);
    // Batches 1..7 held 1+2+…+7 = 28 outcomes; the newest three (8, 9, 10) remain.
    expect(dropped).toBe(28);
    expect(queue.take().outcomes).toBe(27);
  });

  it("seals nothing when nothing was counted", () => {
    const queue = new ReportQueue(3);
    expect(queue.seal()).toBe(0);
    expect(queue.queued).toBe(0);
  });
});
