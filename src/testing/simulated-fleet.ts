import type { Clock } from "../clock";
import type { Random } from "../random";
import { seededRandom } from "./seeded-random";
import { refusal, startCall, type Upstream } from "./simulated-call";
import { resolveUpstream, type UpstreamModel } from "./upstream-model";
import { copyStats, emptyStats, type UpstreamStats } from "./upstream-stats";

/**
 * Options for {@link createSimulatedFleet}.
 *
 * @example
 * ```ts
 * const options: SimulatedFleetOptions = {
 *   clock: new ManualClock(),
 *   random: seededRandom(1),
 *   upstreams: { "https://a.test": { latency: lognormal({ median: 20, sigma: 0.5 }) } },
 * };
 * ```
 */
export interface SimulatedFleetOptions {
  /** Time for latencies and outages; usually a {@link ManualClock}. */
  clock: Clock;
  /**
   * Seeds each upstream's own random stream, in the order of `upstreams`.
   * @default seededRandom(1)
   */
  random?: Random;
  /** The upstreams by origin (`"https://a.test"`); a path other than `/` is rejected. */
  upstreams: Record<string, UpstreamModel>;
}

/**
 * A fleet of simulated upstreams behind one `fetch`.
 *
 * @example
 * ```ts
 * const res = await fleet.fetch("https://a.test/v1/users/42");
 * fleet.stats("https://a.test").ok; // 1
 * ```
 */
export interface SimulatedFleet {
  /** `fetch`'s contract, answered on the fleet's clock. Bound: pass it as `fetch: fleet.fetch`. */
  readonly fetch: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
  /** A snapshot of every upstream's counters, or of one by origin. */
  stats(): Record<string, UpstreamStats>;
  stats(origin: string): UpstreamStats;
  /** Zeroes the counters; calls still in flight stay counted in `inFlight`. */
  reset(): void;
}

function toOrigin(key: string): string {
  let url: URL;
  try {
    url = new URL(key);
  } catch (cause) {
    throw new TypeError(`upstreams key must be an absolute URL origin, got ${key}`, { cause });
  }
  if (url.origin === "null" || url.pathname !== "/" || url.search !== "" || url.hash !== "") {
    throw new TypeError(`upstreams key must be an origin like https://a.test, got ${key}`);
  }
  return url.origin;
}

/** `scheme://host[:port]` of an absolute URL without parsing it, or "" when unsure. */
function quickOrigin(url: string): string {
  const start = url.indexOf("://");
  if (start < 0) return "";
  let end = start + 3;
  for (; end < url.length; end++) {
    const c = url.charCodeAt(end);
    if (c === 47 /* / */ || c === 63 /* ? */ || c === 35 /* # */) break;
  }
  return url.slice(0, end);
}

/**
 * Simulated upstreams on a {@link Clock}, behind a `fetch` you can hand to the client under
 * test: each origin answers after a latency drawn from its {@link UpstreamModel}, fails at its
 * error rate, and goes down during its outages. On a {@link ManualClock} with a
 * {@link seededRandom}, thousands of calls take milliseconds and replay identically.
 *
 * `fetch` follows fetch's contract: it resolves a real `Response` (created when the latency
 * elapses), rejects `TypeError("fetch failed")` for an unknown origin or a refused connection,
 * and on abort rejects with `signal.reason`, clearing its timer.
 *
 * @example
 * ```ts
 * const clock = new ManualClock();
 * const fleet = createSimulatedFleet({
 *   clock,
 *   random: seededRandom(7),
 *   upstreams: {
 *     "https://a.test": { latency: lognormal({ median: 20, sigma: 0.5 }), errorRate: 0.01 },
 *     "https://b.test": { latency: 30, outages: [{ from: 0, to: 60_000, mode: "refuse" }] },
 *   },
 * });
 * const pending = fleet.fetch("https://a.test/ping");
 * await clock.advanceAsync(1_000);
 * (await pending).status; // 200 (or 503, 1% of the time)
 * ```
 */
export function createSimulatedFleet(options: SimulatedFleetOptions): SimulatedFleet {
  const { clock, upstreams } = options;
  const fleetRandom = options.random ?? seededRandom(1);
  const byOrigin = new Map<string, Upstream>();
  for (const key of Object.keys(upstreams)) {
    const origin = toOrigin(key);
    if (byOrigin.has(origin)) throw new TypeError(`upstreams has ${origin} twice (as ${key})`);
    const model = resolveUpstream(origin, upstreams[key]!, fleetRandom);
    byOrigin.set(origin, { model, stats: emptyStats(0) });
  }

  const fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    let url: string;
    let signal = init?.signal ?? undefined;
    if (typeof input === "string") url = input;
    else if ("href" in input) url = input.href;
    else {
      url = input.url;
      signal ??= input.signal;
    }
    let upstream = byOrigin.get(quickOrigin(url));
    if (upstream === undefined) {
      let origin: string;
      try {
        origin = new URL(url).origin;
      } catch (error) {
        return Promise.reject(error);
      }
      upstream = byOrigin.get(origin);
      if (upstream === undefined) return Promise.reject(refusal(origin));
    }
    if (signal?.aborted) {
      upstream.stats.requests++;
      upstream.stats.aborted++;
      return Promise.reject(signal.reason);
    }
    const target = upstream;
    return new Promise<Response>((resolve, reject) => {
      startCall(target, clock, signal, resolve, reject);
    });
  };

  function stats(): Record<string, UpstreamStats>;
  function stats(origin: string): UpstreamStats;
  function stats(origin?: string): UpstreamStats | Record<string, UpstreamStats> {
    if (origin !== undefined) {
      const upstream = byOrigin.get(origin) ?? byOrigin.get(toOrigin(origin));
      if (upstream === undefined) throw new TypeError(`no simulated upstream ${origin}`);
      return copyStats(upstream.stats);
    }
    const all: Record<string, UpstreamStats> = {};
    for (const [key, upstream] of byOrigin) all[key] = copyStats(upstream.stats);
    return all;
  }

  const reset = (): void => {
    for (const upstream of byOrigin.values()) upstream.stats = emptyStats(upstream.stats.inFlight);
  };

  return { fetch, stats, reset };
}
