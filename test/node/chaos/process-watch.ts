import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

// A full collection on demand, without starting vitest's workers with --expose-gc.
setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as () => void;

/** Heap in use after a full collection, bytes. */
export function heapAfterGc(): number {
  collect();
  collect();
  return process.memoryUsage().heapUsed;
}

/** Open sockets, listeners and ref'd timers of this process: what would keep it alive. */
export interface Handles {
  sockets: number;
  servers: number;
  timers: number;
}

/**
 * Counts this process's active handles (`process.getActiveResourcesInfo()`, which lists
 * only ref'd timers: a weak deadline timer is not one).
 *
 * @example
 * ```ts
 * const before = handles();
 * // … run, close …
 * expect(handles().sockets).toBeLessThanOrEqual(before.sockets);
 * ```
 */
export function handles(): Handles {
  const info = process.getActiveResourcesInfo();
  const count = (name: string) => info.filter((entry) => entry === name).length;
  return {
    sockets: count("TCPSocketWrap"),
    servers: count("TCPServerWrap"),
    timers: count("Timeout"),
  };
}

/**
 * Counts unhandled promise rejections from now until `stop()`, which returns them.
 *
 * @example
 * ```ts
 * const watch = watchUnhandled();
 * // … run …
 * expect(watch.stop()).toEqual([]);
 * ```
 */
export function watchUnhandled(): { stop(): unknown[] } {
  const seen: unknown[] = [];
  const onRejection = (reason: unknown) => seen.push(reason);
  process.on("unhandledRejection", onRejection);
  return {
    stop() {
      process.off("unhandledRejection", onRejection);
      return seen;
    },
  };
}
