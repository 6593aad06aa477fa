import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { until } from "../helpers/local-server";

// A full collection on demand, without starting vitest's workers with --expose-gc.
setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as () => void;

/** Heap in use after a full collection, bytes. */
export function heapAfterGc(): number {
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

/**
 * Watches one run from before it starts anything: this process's handles, its heap and its
 * unhandled rejections. `end()` (once everything the run started is closed) waits, bounded,
 * for the handles to come back and reports what did not, and the heap retained.
 *
 * @example
 * ```ts
 * const watch = new RunWatch();
 * // … start servers and a client, run, close them all …
 * const retained = await watch.end(problems);
 * ```
 */
export class RunWatch {
  readonly #before = handles();
  readonly #heapBefore = heapAfterGc();
  readonly #unhandled = watchUnhandled();

  /**
   * Adds what went wrong to `problems` (handles not back within `waitMs`, unhandled
   * rejections); returns the heap retained since the start, bytes.
   */
  async end(problems: string[], waitMs = 10_000): Promise<number> {
    const back = () => {
      const now = handles();
      const before = this.#before;
      return (
        now.sockets <= before.sockets &&
        now.servers <= before.servers &&
        now.timers <= before.timers
      );
    };
    await until(back, waitMs).catch(() => {});
    if (!back()) {
      problems.push(
        `handles after the run ${JSON.stringify(handles())}, before ${JSON.stringify(this.#before)}`,
      );
    }
    for (const reason of this.#unhandled.stop().slice(0, 10)) {
      problems.push(`unhandled rejection: ${String((reason as Error)?.stack ?? reason)}`);
    }
    return heapAfterGc() - this.#heapBefore;
  }
}
