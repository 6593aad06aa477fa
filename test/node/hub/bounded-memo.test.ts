import { describe, expect, it } from "vitest";
import { boundedMemo } from "../../../worker/http/bounded-memo";

describe("boundedMemo", () => {
  it("computes each input once while it is kept", () => {
    const seen: string[] = [];
    const upper = boundedMemo((s: string) => {
      seen.push(s);
      return s.toUpperCase();
    });
    expect([upper("a"), upper("b"), upper("a")]).toEqual(["A", "B", "A"]);
    expect(seen).toEqual(["a", "b"]);
  });

  it("forgets everything once the limit is reached, so distinct inputs cannot grow it", () => {
    let calls = 0;
    const double = boundedMemo((n: number) => {
      calls++;
      return n * 2;
    }, 3);
    for (const n of [1, 2, 3]) double(n);
    expect(calls).toBe(3);
    double(4); // full: cleared, then 4 kept
    double(1); // computed again
    double(4); // still kept
    expect(calls).toBe(5);
  });
});
