import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { DemoCaller } from "../../../examples/demo/clients";
import { CallerRecord } from "../../../examples/demo/recorder";
import { startTraffic } from "../../../examples/demo/traffic";

function caller(name: string, hold: Array<() => void>): DemoCaller & { paths: string[] } {
  const paths: string[] = [];
  return {
    record: new CallerRecord(name, ""),
    client: undefined,
    paths,
    call(path) {
      paths.push(path);
      return new Promise((resolve) => hold.push(resolve));
    },
    close: async () => {},
  };
}

describe("demo traffic", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("calls every caller with the same path at each tick, `rate` ticks a second, without waiting for answers", async () => {
    const hold: Array<() => void> = [];
    const callers = [caller("a", hold), caller("b", hold)];
    const traffic = startTraffic(callers, 10, new AbortController().signal);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(callers[0]!.paths).toHaveLength(11); // ticks at 0, 100, …, 1000 ms
    expect(callers[1]!.paths).toEqual(callers[0]!.paths);
    const stopped = traffic.stop();
    let done = false;
    void stopped.then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(done).toBe(false); // calls still in flight
    expect(callers[0]!.paths).toHaveLength(11); // no call after stop
    for (const resolve of hold) resolve();
    await stopped;
  });

  it("starts no call once its signal is aborted", async () => {
    const hold: Array<() => void> = [];
    const a = caller("a", hold);
    const controller = new AbortController();
    const traffic = startTraffic([a], 10, controller.signal);
    controller.abort();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(a.paths).toHaveLength(1);
    for (const resolve of hold) resolve();
    await traffic.stop();
  });
});
