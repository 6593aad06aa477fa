import { describe, expect, it } from "vitest";
import { HUB_PASSIVE, type HubUpstreamReport } from "../../../src/protocol";
import { EarlyFlush } from "../../../worker/model/early-flush";

const A = "https://a.internal";
const B = "https://b.internal";
const FLUSH_MS = 1_000;
const plain = (url: string): HubUpstreamReport => ({ url, successes: 9, failures: 1, timeouts: 0 });
const tripped = (url: string, by: "answers" | "unreachable" = "answers"): HubUpstreamReport => ({
  url,
  successes: 0,
  failures: 5,
  timeouts: 0,
  outOfRotation: { answers: by === "answers" ? 1 : 0, unreachable: by === "unreachable" ? 1 : 0 },
});

describe("a relay's early flush", () => {
  it("is due when an entry takes an upstream out of rotation for the first time", () => {
    const early = new EarlyFlush();
    expect(early.due([plain(A)], 0, FLUSH_MS)).toBe(false);
    expect(early.due([plain(A), tripped(B, "unreachable")], 10, FLUSH_MS)).toBe(true);
  });

  it("is not due again while that upstream stays out (clients repeat it every few seconds)", () => {
    const early = new EarlyFlush();
    expect(early.due([tripped(A)], 0, FLUSH_MS)).toBe(true);
    const keepAlive = HUB_PASSIVE.rotationTtlMs / 2;
    for (let t = keepAlive; t < 60_000; t += keepAlive) {
      expect(early.due([tripped(A)], t, FLUSH_MS)).toBe(false);
    }
  });

  it("is due again once the upstream has not been reported out for the hub's rotation TTL", () => {
    const early = new EarlyFlush();
    expect(early.due([tripped(A)], 0, FLUSH_MS)).toBe(true);
    expect(early.due([plain(A)], 5_000, FLUSH_MS)).toBe(false);
    expect(early.due([tripped(A)], HUB_PASSIVE.rotationTtlMs + 1, FLUSH_MS)).toBe(true);
  });

  it("comes at most once per flush interval, whatever trips", () => {
    const early = new EarlyFlush();
    expect(early.due([tripped(A)], 0, FLUSH_MS)).toBe(true);
    // B trips within the interval: the regular flush, at most an interval away, takes it.
    expect(early.due([tripped(B)], FLUSH_MS - 1, FLUSH_MS)).toBe(false);
    expect(early.due([tripped(B)], FLUSH_MS + 5, FLUSH_MS)).toBe(false);
    const C = "https://c.internal";
    expect(early.due([tripped(C)], FLUSH_MS + 10, FLUSH_MS)).toBe(true);
  });

  it("ignores an out-of-rotation state of zero", () => {
    const early = new EarlyFlush();
    const zero = { ...plain(A), outOfRotation: { answers: 0, unreachable: 0 } };
    expect(early.due([zero], 0, FLUSH_MS)).toBe(false);
  });
});
