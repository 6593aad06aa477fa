import type { Clock } from "../clock";
import type { HubHeartbeatResult } from "../protocol";
import type { FetchLike } from "../types";
import type { RemoteLease } from "./snapshot";
import { describeError, type Timed, timed } from "./timed";

/**
 * Runs the edge heartbeats of a probe lease: a GET of every target's `probeUrl`, all at
 * once, each with the lease's timeout, through the client's own transport (so a probe takes
 * the same path from this location as the calls do). Redirects are not followed, bodies are
 * not read. `status: null` is a network error or a timeout. `track` receives each probe so
 * that closing the client can abandon them.
 *
 * @example
 * ```ts
 * const results = await runLease(lease, fetch, clock, (probe) => inFlight.add(probe));
 * ```
 */
export async function runLease(
  lease: RemoteLease,
  fetch: FetchLike,
  clock: Clock,
  track: (probe: Timed<HubHeartbeatResult>) => void,
): Promise<HubHeartbeatResult[]> {
  return Promise.all(
    lease.targets.map((target) => {
      const started = clock.now();
      const latency = () => Math.max(0, clock.now() - started);
      const probe = timed<HubHeartbeatResult>(
        clock,
        lease.timeout,
        async (signal) => {
          const response = await fetch(target.probeUrl, { signal, redirect: "manual" });
          // Only the status counts; release the connection.
          response.body?.cancel().catch(() => {});
          const status = response.status;
          // A browser's opaque redirect has status 0: no status the hub could judge.
          if (status < 100 || status > 599) {
            return {
              url: target.url,
              status: null,
              latencyMs: latency(),
              error: `status ${status}`,
            };
          }
          return { url: target.url, status, latencyMs: latency() };
        },
        () => ({
          url: target.url,
          status: null,
          latencyMs: latency(),
          error: `timed out after ${lease.timeout} ms`,
        }),
        (error) => ({
          url: target.url,
          status: null,
          latencyMs: latency(),
          error: describeError(error).slice(0, 200),
        }),
      );
      track(probe);
      return probe.result;
    }),
  );
}
