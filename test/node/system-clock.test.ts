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
