import { describe, expect, it } from "vitest";
import { attemptOutcome, CallerRecord } from "../../../examples/demo/recorder";

describe("demo recorder", () => {
  it("classifies attempts as the client does: failure statuses and errors fail, aborts are cancelled", () => {
    expect(attemptOutcome(200, undefined)).toBe("ok");
    expect(attemptOutcome(404, undefined)).toBe("ok");
    for (const status of [500, 503, 408, 429])
      expect(attemptOutcome(status, undefined)).toBe("failed");
    expect(attemptOutcome(undefined, new TypeError("fetch failed"))).toBe("failed");
    expect(attemptOutcome(undefined, new DOMException("timed out", "TimeoutError"))).toBe("failed");
    expect(attemptOutcome(undefined, new DOMException("lost", "AbortError"))).toBe("cancelled");
  });

  it("counts calls in flight until they end, and keeps latencies only of calls that finished", () => {
    const record = new CallerRecord("AAA", "library");
    record.calls += 3;
    record.callEnded("ok", 12);
    record.callEnded("error", 3_000);
    expect(record.inFlight).toBe(1);
    record.callEnded("cancelled", 50);
    expect(record.inFlight).toBe(0);
    expect(record.latencies).toEqual([12, 3_000]);
  });

  it("records when a hub snapshot starts and stops keeping an upstream from new calls, once per change", () => {
    const record = new CallerRecord("BBB", "library");
    const all = ["x", "y"];
    record.excluded(1_000, [], all);
    record.excluded(2_000, ["x"], all);
    record.excluded(4_000, ["x"], all);
    record.excluded(6_000, [], all);
    expect(record.transitions).toEqual([
      { at: 2_000, upstream: "x", kind: "gate", from: "closed", to: "open" },
      { at: 6_000, upstream: "x", kind: "gate", from: "open", to: "closed" },
    ]);
  });
});
