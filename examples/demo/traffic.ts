/**
 * Steady traffic: `rate` calls a second to every caller, the same path to each at the same
 * moment, on a schedule that does not drift (a late tick does not delay the next ones).
 * Open loop: a slow call never holds back the next, as with real users.
 */
import type { DemoCaller } from "./clients";

/** Running traffic. */
export interface Traffic {
  /** Stops starting calls; resolves once every call started has finished. */
  stop(): Promise<void>;
}

/**
 * Starts calling. `signal` aborts calls in flight (Ctrl-C); a normal end lets them finish.
 *
 * @example
 * ```ts
 * const traffic = startTraffic(callers, 20, controller.signal);
 * await sleep(10_000);
 * await traffic.stop();
 * ```
 */
export function startTraffic(callers: DemoCaller[], rate: number, signal: AbortSignal): Traffic {
  const every = 1_000 / rate;
  const started = performance.now();
  const pending = new Set<Promise<void>>();
  let tick = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const fire = () => {
    timer = undefined;
    if (stopped || signal.aborted) return;
    // Catch up on ticks a busy event loop delayed, then wait for the next one.
    while (started + tick * every <= performance.now()) {
      const path = `/v1/items/${tick % 1000}`;
      for (const caller of callers) {
        const call = caller.call(path, signal);
        pending.add(call);
        void call.finally(() => pending.delete(call));
      }
      tick++;
    }
    timer = setTimeout(fire, Math.max(0, started + tick * every - performance.now()));
  };
  fire();

  return {
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      while (pending.size > 0) await Promise.all(pending);
    },
  };
}
