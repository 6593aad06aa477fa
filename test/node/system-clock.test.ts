import { afterEach, describe, expect, it, vi } from "vitest";
import { systemClock } from "../../src/clock";

type NodeTimeout = ReturnType<typeof setTimeout> & { hasRef(): boolean; _destroyed?: boolean };

/** Records the runtime timers the shared timer queue arms. */
function recordRuntimeTimers(): NodeTimeout[] {
  const real = globalThis.setTimeout;
  const handles: NodeTimeout[] = [];
  vi.spyOn(globalThis, "setTimeout").mockImplementation(((callback: () => void, ms?: number) => {
    const handle = real(callback, ms) as NodeTimeout;
    handles.push(handle);
    return handle;
  }) as typeof setTimeout);
  return handles;
}

/** Whether some runtime timer is still pending and holds the process open. */
function holdsProcess(handles: NodeTimeout[]): boolean {
  return handles.some((handle) => handle._destroyed !== true && handle.hasRef());
}

describe("systemClock's shared timers", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("keeps the process alive for a timer set after an earlier one was cleared", () => {
    const handles = recordRuntimeTimers();
    // A short attempt timeout, cleared when the attempt fails fast: nothing pending, the armed
    // runtime timer is unref'd.
    systemClock.clearTimeout(systemClock.setTimeout(() => {}, 50));
    // Then a longer backoff sleep: it must hold the process open until it fires.
    const later = systemClock.setTimeout(() => {}, 200);
    expect(holdsProcess(handles)).toBe(true);
    systemClock.clearTimeout(later);
    expect(holdsProcess(handles)).toBe(false);
  });
});

describe("systemClock's shared timers past 2³¹−1 ms", () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  // Runtimes take a timer's delay as a signed 32-bit number: Node fires a longer one after
  // 1 ms (with a TimeoutOverflowWarning), browsers at once. A sleep that long happens with
  // `timeout: false` and a huge `Retry-After` (capped at 2³¹ s) or backoff.
  it("arms no runtime timer longer than 2³¹−1 ms and does not spin until a longer one is due", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date", "performance"] });
    vi.resetModules();
    const { systemClock: clock } = await import("../../src/clock");
    const delays: number[] = [];
    const fake = globalThis.setTimeout;
    vi.spyOn(globalThis, "setTimeout").mockImplementation(((callback: () => void, ms = 0) => {
      delays.push(ms);
      return fake(callback, ms);
    }) as typeof setTimeout);
    const ms = 2 ** 31 + 5_000;
    let fired = 0;
    const timer = clock.setTimeout(() => fired++, ms);
    vi.advanceTimersByTime(1_000);
    expect(delays.length).toBe(1);
    expect(delays[0]).toBeLessThanOrEqual(2 ** 31 - 1);
    vi.advanceTimersByTime(ms - 1_000 - 2);
    expect(fired).toBe(0);
    vi.advanceTimersByTime(2);
    expect(fired).toBe(1);
    // Re-armed a few times on the way (each runtime timer ran out early), never spinning.
    expect(delays.length).toBeLessThan(5);
    expect(Math.max(...delays)).toBeLessThanOrEqual(2 ** 31 - 1);
    clock.clearTimeout(timer);
  });
});
