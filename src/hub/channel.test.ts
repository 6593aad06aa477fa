import { describe, expect, it } from "vitest";
import { Channel } from "./channel";

describe("Channel", () => {
  it("backs off exponentially with equal jitter, capped, and resets on success", () => {
    const low = new Channel(2_000, 10_000, () => 0);
    const high = new Channel(2_000, 10_000, () => 0.999_999);
    const delays = [1, 2, 3, 4, 5].map(() => [low.failed(0), high.failed(0)]);
    expect(delays.map(([min]) => min)).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
    expect(delays.map(([, max]) => Math.round(max!))).toEqual([
      2_000, 4_000, 8_000, 10_000, 10_000,
    ]);
    low.succeeded(100);
    expect(low.failures).toBe(0);
    expect(low.nextAt).toBe(2_100);
  });

  it("is due early only when not backing off", () => {
    const channel = new Channel(2_000, 10_000, () => 0.5);
    channel.succeeded(0);
    expect(channel.due(1_000)).toBe(false);
    expect(channel.due(1_000, true)).toBe(true);
    channel.failed(1_000);
    expect(channel.due(1_001, true)).toBe(false);
  });

  it("counts a request in flight until its deadline even if it never settles", () => {
    const channel = new Channel(2_000, 10_000, () => 0.5);
    const first = channel.start(0, 4_000);
    expect(channel.due(3_999, true)).toBe(false);
    expect(channel.due(4_000, true)).toBe(true);
    const second = channel.start(4_000, 4_000);
    expect(channel.current(first)).toBe(false);
    expect(channel.current(second)).toBe(true);
    channel.abandon();
    expect(channel.current(second)).toBe(false);
    expect(channel.idle(4_001)).toBe(true);
  });
});
