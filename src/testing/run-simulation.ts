import type { Random } from "../random";
import type { ManualClock } from "./manual-clock";

/**
 * Options for {@link runSimulation}.
 *
 * @example
 * ```ts
 * const options: SimulationOptions = {
 *   clock,
 *   calls: 10_000,
 *   ratePerSecond: 200,
 *   arrivals: "poisson",
 *   random: seededRandom(3),
 *   call: () => client.fetch("/v1/users/42"),
 * };
 * ```
 */
export interface SimulationOptions {
  /** The clock the calls and the simulated upstreams run on; the simulation drives it. */
  clock: ManualClock;
  /** How many calls to make. */
  calls: number;
  /** Mean arrival rate; required unless `arrivals` lists the times. */
  ratePerSecond?: number;
  /**
   * When calls start: `"fixed"` spacing of `1000 / ratePerSecond` ms, `"poisson"` (exponential
   * gaps drawn from `random`), or the start offsets in ms from the first call, non-decreasing.
   * @default "fixed"
   */
  arrivals?: "fixed" | "poisson" | ArrayLike<number>;
  /** Draws the gaps of `"poisson"` arrivals; required for them. */
  random?: Random;
  /** Makes call `index`; usually `(i) => client.fetch(...)` with the fleet as its transport. */
  call: (index: number) => Promise<Response>;
  /**
   * Read each response body to the end (latency then includes reading it) instead of
   * cancelling it.
   * @default false
   */
  readBody?: boolean;
}

/**
 * What {@link runSimulation} observed.
 *
 * @example
 * ```ts
 * const { latencies, errorsByName, statusCounts } = await runSimulation(options);
 * const failedShare = (latencies.length - summarize(latencies).count) / latencies.length;
 * ```
 */
export interface SimulationResult {
  /** Per call, by index: ms from its start until it settled (body included); NaN if it failed. */
  latencies: Float64Array;
  /** Calls that resolved with a 2xx status. */
  ok: number;
  /** Calls that rejected (or whose body failed to read), and calls that never settled. */
  errors: number;
  /** `errors` by the error's `name` (`"TypeError"`, `"TimeoutError"`, …); `"Unsettled"` for calls still pending when nothing was left to fire. */
  errorsByName: Record<string, number>;
  /** Resolved calls by status. */
  statusCounts: Record<number, number>;
  /** Virtual ms from the first call's start until the last call settled. */
  durationMs: number;
}

function arrivalOffsets(options: SimulationOptions): Float64Array {
  const { calls, ratePerSecond, arrivals = "fixed", random } = options;
  const offsets = new Float64Array(calls);
  if (typeof arrivals !== "string") {
    if (arrivals.length < calls) {
      throw new RangeError(
        `runSimulation arrivals has ${arrivals.length} entries, calls is ${calls}`,
      );
    }
    let previous = 0;
    for (let i = 0; i < calls; i++) {
      const at = arrivals[i]!;
      if (!(at >= previous && at < Number.POSITIVE_INFINITY)) {
        throw new RangeError(
          `runSimulation arrivals[${i}] must be finite and >= ${previous} (>= 0, non-decreasing), got ${at}`,
        );
      }
      offsets[i] = previous = at;
    }
    return offsets;
  }
  if (!(ratePerSecond !== undefined && ratePerSecond > 0 && ratePerSecond < Infinity)) {
    throw new RangeError(
      `runSimulation ratePerSecond must be a finite number > 0, got ${ratePerSecond}`,
    );
  }
  const gap = 1000 / ratePerSecond;
  if (arrivals === "fixed") {
    for (let i = 0; i < calls; i++) offsets[i] = i * gap;
  } else if (arrivals === "poisson") {
    if (random === undefined)
      throw new TypeError('runSimulation arrivals "poisson" needs `random`');
    for (let i = 1; i < calls; i++) offsets[i] = offsets[i - 1]! - gap * Math.log(1 - random());
  } else {
    throw new RangeError(
      `runSimulation arrivals must be "fixed", "poisson" or an array, got ${arrivals}`,
    );
  }
  return offsets;
}

function nameOf(error: unknown): string {
  const name = (error as { name?: unknown } | null | undefined)?.name;
  return typeof name === "string" && name !== "" ? name : typeof error;
}

/**
 * Runs `calls` calls on virtual time: starts call `i` at its arrival time, lets everything it
 * sets in motion play out on `clock`, cancels (or reads) each response body, and reports
 * latencies and outcomes. With a {@link seededRandom} behind the fleet, the client and the
 * arrivals, the same seed gives the same result on every run. Stops as soon as the last call
 * settles, so timers the client keeps for itself do not hold it up; a call that can never
 * settle (a hanging upstream and no timeout) is counted under `errorsByName.Unsettled`.
 *
 * @example
 * ```ts
 * const clock = new ManualClock();
 * const fleet = createSimulatedFleet({ clock, random: seededRandom(1), upstreams });
 * const result = await runSimulation({
 *   clock,
 *   calls: 10_000,
 *   ratePerSecond: 200,
 *   call: () => fleet.fetch("https://a.test/"),
 * });
 * console.log(summarize(result.latencies), result.statusCounts);
 * ```
 */
export async function runSimulation(options: SimulationOptions): Promise<SimulationResult> {
  const { clock, calls, call, readBody = false } = options;
  if (!(Number.isInteger(calls) && calls >= 0)) {
    throw new RangeError(`runSimulation calls must be an integer >= 0, got ${calls}`);
  }
  const offsets = arrivalOffsets(options);
  const latencies = new Float64Array(calls).fill(Number.NaN);
  const errorsByName: Record<string, number> = {};
  const statusCounts: Record<number, number> = {};
  let ok = 0;
  let errors = 0;
  let pending = 0;

  const fail = (error: unknown): void => {
    errors++;
    const name = nameOf(error);
    errorsByName[name] = (errorsByName[name] ?? 0) + 1;
  };

  const track = async (index: number): Promise<void> => {
    const startedAt = clock.now();
    pending++;
    try {
      const res = await call(index);
      if (!res.bodyUsed && res.body !== null) {
        if (readBody) await res.arrayBuffer();
        else await res.body.cancel();
      }
      latencies[index] = clock.now() - startedAt;
      statusCounts[res.status] = (statusCounts[res.status] ?? 0) + 1;
      if (res.status >= 200 && res.status < 300) ok++;
    } catch (error) {
      fail(error);
    } finally {
      pending--;
    }
  };

  const start = clock.now();
  for (let i = 0; i < calls; i++) {
    const wait = start + offsets[i]! - clock.now();
    if (wait > 0) await clock.advanceAsync(wait);
    void track(i);
  }
  while (pending > 0 && (await clock.runNextAsync()));
  if (pending > 0) {
    errors += pending;
    errorsByName.Unsettled = (errorsByName.Unsettled ?? 0) + pending;
  }
  return { latencies, ok, errors, errorsByName, statusCounts, durationMs: clock.now() - start };
}
