import { type ClientOptions, createClient } from "../../../src/index";
import { seededRandom } from "../../../src/testing/index";
import { BODY_LIMIT } from "./call-plan";
import { ChaosFleet } from "./chaos-fleet";
import type { ChaosMode } from "./chaos-server";
import { RunWatch } from "./process-watch";
import type { CallTally } from "./run-calls";

/**
 * The client every chaos run uses: the full pipeline, with limits short enough that hangs
 * end quickly and long enough for this loaded 2-core machine, where a plain `fetch` to a
 * healthy local server takes up to ≈0.5 s at 32 calls in flight.
 *
 * Its breakers trip on 10 failures in a row or half of the last 100 calls, not on the
 * defaults (5 in a row, half of 20): with the defaults, upstreams that fail a quarter of
 * their requests by chance (the suite's fault rate) had their breakers open most of the
 * time, so most calls failed fast and never met the fault under test (README, Reliability).
 * Bursts (5xx, a refused port) still open them.
 */
export const CHAOS_CLIENT = {
  timeout: { attempt: 1_000, total: 2_000 },
  retry: { attempts: 3, backoff: { initial: 5, max: 100 }, bodyLimit: BODY_LIMIT },
  hedge: { delay: { percentile: 0.9, min: 10, max: 200 }, max: 1, budget: 0.2 },
  breaker: {
    consecutiveFailures: 10,
    failureRate: { window: 100, minCalls: 50 },
    openFor: { initial: 250, max: 2_000 },
  },
  outlier: { baseEjection: 1_000 },
} satisfies Partial<ClientOptions>;

/** How much later than `timeout.total` a call may settle (see `runCalls`' watchdog). */
export const SETTLE_MARGIN_MS = 250;

/** When a chaos call must have settled, ms after it started. */
export const CHAOS_LIMIT_MS = CHAOS_CLIENT.timeout.total + SETTLE_MARGIN_MS;

/** One mode's run: what callers saw, what servers saw, and every invariant broken. */
export interface ChaosReport {
  mode: ChaosMode;
  seed: number;
  tally: CallTally;
  /** Requests that reached the chaos servers. */
  requests: number;
  /** Requests the client closed before the server finished (lost hedges, timeouts, cancels). */
  abandoned: number;
  events: { retries: number; hedges: number; breakerOpens: number; ejections: number };
  /**
   * Heap in use after a full GC, bytes: `live` is its growth over the last 90% of the calls
   * with the client open (the first 10% warm it up), `liveCalls` those calls; `retained` is
   * after the client and servers are closed, minus before the run. Not measured for a run
   * that shares the process with others (`alone: false`).
   */
  heap: { live: number; liveCalls: number; retained: number } | undefined;
  durationMs: number;
  /** Every invariant broken: the callers' (see `runCalls`) and the run's. */
  problems: string[];
}

/** How {@link chaosRun} runs, beyond its mode, calls and seed. */
export interface ChaosRunOptions {
  /** Whether it has the process to itself (see {@link chaosRun}). @default true */
  alone?: boolean;
  /** Callers, each with one call in flight. @default 64 */
  concurrency?: number;
  /** Client options over {@link CHAOS_CLIENT} (the suite's self-checks break the client on purpose). */
  client?: Partial<ClientOptions>;
  /** How long held requests and handles may take to be closed once the client is, ms. @default 10_000 */
  settleMs?: number;
}

/**
 * One seeded chaos run of `calls` calls against upstreams that break as `mode` says (three
 * chaos servers; `refused` and `mix` add a port that refuses connections), then the run's
 * invariants once the client is closed: no unhandled rejection, nothing left in flight, no
 * request a server still holds (every losing hedge, timed-out attempt and cancelled body
 * closed its connection), no POST without a key received twice, every request body intact,
 * and this process's sockets and timers back to where they were.
 *
 * A run that is not `alone` (others run beside it in this process) leaves the process-wide
 * checks (handles, unhandled rejections) to its caller and measures no heap.
 *
 * @example
 * ```ts
 * const report = await chaosRun("hang-mid-body", 300, 20261202);
 * expect(report.problems).toEqual([]);
 * ```
 */
export async function chaosRun(
  mode: ChaosMode,
  calls: number,
  seed: number,
  options: ChaosRunOptions = {},
): Promise<ChaosReport> {
  const { alone = true, concurrency, settleMs = 10_000 } = options;
  const watch = alone ? new RunWatch() : undefined;
  const started = performance.now();
  const refusing = mode === "refused" || mode === "mix";
  const fleet = await ChaosFleet.start(mode, seed, { refusing });
  const client = createClient({
    upstreams: fleet.upstreams,
    random: seededRandom(seed),
    ...CHAOS_CLIENT,
    ...options.client,
  });
  const events = { retries: 0, hedges: 0, breakerOpens: 0, ejections: 0 };
  client.on("retry", () => events.retries++);
  client.on("hedge", () => events.hedges++);
  client.on("breaker", (event) => {
    if (event.to === "open") events.breakerOpens++;
  });
  client.on("eject", () => events.ejections++);

  const measured = await fleet.run(client, {
    calls,
    seed,
    concurrency,
    limitMs: CHAOS_LIMIT_MS,
    measure: alone,
  });
  const problems = await fleet.finish(client, measured.tally, settleMs);
  const retained = await watch?.end(problems, settleMs);
  return {
    mode,
    seed,
    tally: measured.tally,
    requests: fleet.ledger.requests,
    abandoned: fleet.ledger.abandoned,
    events,
    heap: measured.heap && retained !== undefined ? { ...measured.heap, retained } : undefined,
    durationMs: performance.now() - started,
    problems,
  };
}
