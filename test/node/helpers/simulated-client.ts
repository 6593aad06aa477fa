import { type ClientEventMap, type ClientOptions, createClient } from "../../../src/index";
import {
  createSimulatedFleet,
  ManualClock,
  runSimulation,
  seededRandom,
  type UpstreamModel,
} from "../../../src/testing/index";

export type BreakerEvent = ClientEventMap["breaker"];

/** One attempt as the client reported it: where it went, whether it failed, when it was sent. */
export interface SeenAttempt {
  upstream: string;
  failed: boolean;
  /** Clock time it ended. */
  at: number;
  /** Clock time it was sent. */
  sentAt: number;
}

/**
 * A client over simulated upstreams on a manual clock, with its breaker events and attempts.
 * `run(calls, rate)` makes calls at a fixed rate from the clock's current time.
 */
export function simulate(
  models: Record<string, UpstreamModel>,
  options: Partial<ClientOptions> = {},
) {
  const clock = new ManualClock();
  const fleet = createSimulatedFleet({ clock, random: seededRandom(1), upstreams: models });
  const client = createClient({
    upstreams: Object.keys(models),
    fetch: fleet.fetch,
    clock,
    random: seededRandom(2),
    ...options,
  });
  const breakers: BreakerEvent[] = [];
  const attempts: SeenAttempt[] = [];
  client.on("breaker", (e) => breakers.push(e));
  client.on("attempt", (e) =>
    attempts.push({
      upstream: e.upstream,
      failed: e.status === undefined || e.status >= 500,
      at: clock.now(),
      sentAt: clock.now() - e.durationMs,
    }),
  );
  const run = (calls: number, ratePerSecond: number) =>
    runSimulation({ clock, calls, ratePerSecond, call: () => client.fetch("/v1/items") });
  return { clock, fleet, client, breakers, attempts, run };
}

/** The share of the attempts sent in [from, to) that went to `upstream`. */
export function shareOf(
  attempts: readonly SeenAttempt[],
  upstream: string,
  from: number,
  to: number,
): number {
  const inWindow = attempts.filter((a) => a.sentAt >= from && a.sentAt < to);
  return inWindow.filter((a) => a.upstream === upstream).length / inWindow.length;
}
