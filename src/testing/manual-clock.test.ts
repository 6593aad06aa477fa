import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sleep } from "../clock";
import { ManualClock } from "./manual-clock";
import { isSettleChannelOpen } from "./settle";

describe("ManualClock", () => {
  it("starts at startMs and moves only when advanced", () => {
    const clock = new ManualClock(1_000);
    expect(clock.now()).toBe(1_000);
    clock.advance(250);
    expect(clock.now()).toBe(1_250);
  });

  it("fires timers in due order, ties in insertion order, each at its own now()", () => {
    const clock = new ManualClock();
    const seen: string[] = [];
    clock.setTimeout(() => seen.push(`c@${clock.now()}`), 30);
    clock.setTimeout(() => seen.push(`a@${clock.now()}`), 10);
    clock.setTimeout(() => seen.push(`b1@${clock.now()}`), 20);
    clock.setTimeout(() => seen.push(`b2@${clock.now()}`), 20);
    clock.advance(25);
    expect(seen).toEqual(["a@10", "b1@20", "b2@20"]);
    expect(clock.now()).toBe(25);
    expect(clock.pendingTimers).toBe(1);
    expect(clock.nextTimerAt).toBe(30);
    clock.advance(5);
    expect(seen.at(-1)).toBe("c@30");
    expect(clock.pendingTimers).toBe(0);
    expect(clock.nextTimerAt).toBeUndefined();
  });

  it("fires timers set by a callback when they fall inside the window", () => {
    const clock = new ManualClock();
    const seen: number[] = [];
    clock.setTimeout(() => {
      seen.push(clock.now());
      clock.setTimeout(() => seen.push(clock.now()), 5);
      clock.setTimeout(() => seen.push(clock.now()), 50);
    }, 10);
    clock.advance(20);
    expect(seen).toEqual([10, 15]);
    expect(clock.pendingTimers).toBe(1);
  });

  it("treats a negative or NaN delay as 0, like the runtime", () => {
    const clock = new ManualClock(5);
    let fired = 0;
    clock.setTimeout(() => fired++, -10);
    clock.setTimeout(() => fired++, Number.NaN);
    expect(clock.nextTimerAt).toBe(5);
    clock.advance(0);
    expect(fired).toBe(2);
  });

  it("clearTimeout cancels a pending timer and ignores fired, cleared and foreign handles", () => {
    const clock = new ManualClock();
    let fired = 0;
    const a = clock.setTimeout(() => fired++, 10);
    const b = clock.setTimeout(() => fired++, 20);
    clock.clearTimeout(b);
    clock.clearTimeout(b);
    expect(clock.pendingTimers).toBe(1);
    clock.advance(30);
    expect(fired).toBe(1);
    clock.clearTimeout(a);
    clock.clearTimeout(undefined);
    clock.clearTimeout(42);
    clock.clearTimeout(new ManualClock().setTimeout(() => {}, 1));
    expect(clock.pendingTimers).toBe(0);
  });

  it("lets a callback clear a timer due at the same instant", () => {
    const clock = new ManualClock();
    let fired = 0;
    clock.setTimeout(() => clock.clearTimeout(second), 10);
    const second = clock.setTimeout(() => fired++, 10);
    clock.advance(10);
    expect(fired).toBe(0);
  });

  it("fires any interleaving of set and clear in (due, insertion) order", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ delay: fc.integer({ min: 0, max: 50 }), clear: fc.boolean() }), {
          maxLength: 60,
        }),
        (specs) => {
          const clock = new ManualClock();
          const fired: Array<{ id: number; at: number }> = [];
          const handles = specs.map((spec, id) =>
            clock.setTimeout(() => fired.push({ id, at: clock.now() }), spec.delay),
          );
          for (const [id, spec] of specs.entries()) {
            if (spec.clear) clock.clearTimeout(handles[id]);
          }
          const expected = specs
            .map((spec, id) => ({ id, at: spec.delay, clear: spec.clear }))
            .filter((t) => !t.clear)
            .sort((x, y) => x.at - y.at || x.id - y.id)
            .map(({ id, at }) => ({ id, at }));
          expect(clock.pendingTimers).toBe(expected.length);
          clock.advance(50);
          expect(fired).toEqual(expected);
        },
      ),
    );
  });

  it("propagates a callback's exception with now() at its due time and later timers pending", () => {
    const clock = new ManualClock();
    clock.setTimeout(() => {
      throw new Error("boom");
    }, 10);
    clock.setTimeout(() => {}, 20);
    expect(() => clock.advance(30)).toThrow("boom");
    expect(clock.now()).toBe(10);
    expect(clock.pendingTimers).toBe(1);
    clock.advance(10);
    expect(clock.pendingTimers).toBe(0);
  });

  it("rejects a negative, NaN or infinite advance with a RangeError", () => {
    const clock = new ManualClock();
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(/finite number >= 0, got NaN/);
    expect(() => new ManualClock(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe("ManualClock async helpers", () => {
  it("advanceAsync lets a chain of await sleep() continue on virtual time", async () => {
    const clock = new ManualClock();
    const woke: number[] = [];
    const task = (async () => {
      for (let i = 0; i < 3; i++) {
        await sleep(clock, 10);
        woke.push(clock.now());
      }
      return "done";
    })();
    await clock.advanceAsync(25);
    expect(woke).toEqual([10, 20]);
    await clock.advanceAsync(5);
    expect(woke).toEqual([10, 20, 30]);
    await expect(task).resolves.toBe("done");
  });

  it("advanceAsync catches up on timers that code started before it sets after an await", async () => {
    const clock = new ManualClock();
    const task = (async () => {
      await Promise.resolve();
      await Promise.resolve();
      await sleep(clock, 50);
      return clock.now();
    })();
    await clock.advanceAsync(50);
    await expect(task).resolves.toBe(50);
  });

  it("advanceAsync lets code read a Response body between timers", async () => {
    const clock = new ManualClock();
    const bodies: string[] = [];
    const task = (async () => {
      for (let i = 0; i < 3; i++) {
        await sleep(clock, 10);
        const res = new Response(`body ${i} at ${clock.now()}`);
        bodies.push(await res.text());
        await sleep(clock, 5);
      }
    })();
    await clock.advanceAsync(45);
    await task;
    expect(bodies).toEqual(["body 0 at 10", "body 1 at 25", "body 2 at 40"]);
  });

  it("runs promise continuations between timers due at the same instant", async () => {
    // As in every runtime: a response arriving at t=10 can still cancel a hedge due at t=10.
    const clock = new ManualClock();
    let hedged = false;
    let hedge: unknown;
    void (async () => {
      await sleep(clock, 10);
      await Promise.resolve();
      clock.clearTimeout(hedge);
    })();
    hedge = clock.setTimeout(() => {
      hedged = true;
    }, 10);
    await clock.advanceAsync(10);
    expect(hedged).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });

  it("runNextAsync fires one timer at a time and reports when none is left", async () => {
    const clock = new ManualClock();
    const seen: number[] = [];
    clock.setTimeout(() => seen.push(clock.now()), 7);
    clock.setTimeout(() => seen.push(clock.now()), 3);
    expect(await clock.runNextAsync()).toBe(true);
    expect(seen).toEqual([3]);
    expect(await clock.runNextAsync()).toBe(true);
    expect(await clock.runNextAsync()).toBe(false);
    expect(seen).toEqual([3, 7]);
    expect(clock.now()).toBe(7);
  });

  it("runUntilIdle fires everything, including timers set along the way", async () => {
    const clock = new ManualClock();
    const task = (async () => {
      await sleep(clock, 100);
      await sleep(clock, 1_000);
      return clock.now();
    })();
    expect(await clock.runUntilIdle()).toBe(2);
    await expect(task).resolves.toBe(1_100);
  });

  it("runUntilIdle throws instead of looping on a timer that reschedules itself", async () => {
    const clock = new ManualClock();
    const tick = () => clock.setTimeout(tick, 1_000);
    tick();
    await expect(clock.runUntilIdle({ maxTimers: 50 })).rejects.toThrow(/fired 50 timers/);
    expect(clock.now()).toBe(50_000);
  });

  it("refuses to advance while another advance is running", async () => {
    const clock = new ManualClock();
    const first = clock.advanceAsync(10);
    await expect(clock.advanceAsync(10)).rejects.toThrow(/already advancing/);
    expect(() => clock.advance(1)).toThrow(/already advancing/);
    await first;
    expect(clock.now()).toBe(10);
  });

  it("rejects from advanceAsync when a callback throws, and can advance again", async () => {
    const clock = new ManualClock();
    clock.setTimeout(() => {
      throw new TypeError("bad timer");
    }, 5);
    await expect(clock.advanceAsync(10)).rejects.toThrow("bad timer");
    expect(clock.now()).toBe(5);
    await clock.advanceAsync(5);
    expect(clock.now()).toBe(10);
  });

  it("accepts a custom settle function", async () => {
    let settles = 0;
    const clock = new ManualClock(0, {
      settle: async () => {
        settles++;
        for (let i = 0; i < 20; i++) await Promise.resolve();
      },
    });
    const task = (async () => {
      await sleep(clock, 10);
      return clock.now();
    })();
    await clock.advanceAsync(10);
    await expect(task).resolves.toBe(10);
    expect(settles).toBe(2);
  });

  it("closes its MessageChannel once idle, so nothing keeps the process alive", async () => {
    const clock = new ManualClock();
    clock.setTimeout(() => {}, 5);
    await clock.advanceAsync(10);
    // A real macrotask (not the kit's own channel) lets the closing message arrive.
    for (let i = 0; i < 10 && isSettleChannelOpen(); i++) {
      await new Promise((resolve) => globalThis.setTimeout(resolve, 0));
    }
    expect(isSettleChannelOpen()).toBe(false);
  });
});
