import type { Random } from "../random";
import { type Sampler, toSampler } from "./distributions";
import { seededRandom } from "./seeded-random";

/**
 * How a simulated upstream behaves while it is down:
 * - `"refuse"`: the call rejects after 0–1 ms with `TypeError("fetch failed")`, like ECONNREFUSED;
 * - `"status"`: it answers `status` (default 503), after `latency` or the upstream's latency;
 * - `"hang"`: it never answers; only the caller's `AbortSignal` ends the call;
 * - `"slow"`: it answers as usual (error rate included), but after `latency`.
 *
 * @example
 * ```ts
 * const mode: OutageMode = "hang";
 * ```
 */
export type OutageMode = "refuse" | "status" | "hang" | "slow";

/**
 * A window of clock time, `from <= now < to`, during which calls arriving at an upstream meet
 * `mode` instead of its usual behaviour.
 *
 * @example
 * ```ts
 * const outage: Outage = { from: 10_000, to: 40_000, mode: "refuse" };
 * const brownout: Outage = { from: 0, to: 5_000, mode: "slow", latency: uniform(500, 900) };
 * ```
 */
export interface Outage {
  /** Start, in clock ms (inclusive). */
  from: number;
  /** End, in clock ms (exclusive); `Infinity` for "down from then on". */
  to: number;
  mode: OutageMode;
  /** For `"status"`: the status answered. @default 503 */
  status?: number;
  /** For `"slow"` (required) and `"status"` (optional): the latency, ms or a sampler. */
  latency?: number | Sampler;
}

/**
 * Latency that grows with load: each call in flight beyond `capacity` (this one included)
 * adds `latencyPerExtra` to the call's latency.
 *
 * @example
 * ```ts
 * const overload: Overload = { capacity: 50, latencyPerExtra: 2 }; // 60 in flight: +20 ms
 * ```
 */
export interface Overload {
  /** Calls in flight the upstream serves at its normal latency. */
  capacity: number;
  /** Extra latency per call in flight beyond `capacity`: ms, or a sampler. */
  latencyPerExtra: number | Sampler;
}

/**
 * The behaviour of one simulated upstream.
 *
 * @example
 * ```ts
 * const model: UpstreamModel = {
 *   latency: withStragglers(lognormal({ median: 20, sigma: 0.4 }), { probability: 0.01, latency: 400 }),
 *   errorRate: 0.02,
 *   outages: [{ from: 60_000, to: 90_000, mode: "hang" }],
 * };
 * ```
 */
export interface UpstreamModel {
  /** Time to answer, ms or a sampler. @default 1 */
  latency?: number | Sampler;
  /** The share of calls, in [0, 1], answered with `status` instead of 200. @default 0 */
  errorRate?: number;
  /** The status of an error answer. @default 503 */
  status?: number;
  /** The response body, or a function of the status. @default "ok" below 400, else "error" */
  body?: string | null | ((status: number) => string | null);
  /** Headers on every response. */
  headers?: Record<string, string>;
  /** Windows of clock time in which the upstream is down. @default [] */
  outages?: readonly Outage[];
  /** Latency that grows with calls in flight. @default none */
  overload?: Overload;
}

/** An {@link Outage} with its latency resolved. */
export interface ResolvedOutage {
  readonly from: number;
  readonly to: number;
  readonly mode: OutageMode;
  readonly status: number;
  readonly latency: Sampler | undefined;
}

/** An {@link UpstreamModel} normalised once, with the upstream's own random stream. */
export interface ResolvedUpstream {
  readonly origin: string;
  readonly random: Random;
  readonly latency: Sampler;
  readonly errorRate: number;
  readonly status: number;
  readonly body: (status: number) => string | null;
  readonly headers: Record<string, string> | undefined;
  readonly outages: readonly ResolvedOutage[];
  readonly capacity: number;
  readonly latencyPerExtra: Sampler | undefined;
}

const OUTAGE_MODES: readonly string[] = ["refuse", "status", "hang", "slow"];

const defaultBody = (status: number): string => (status < 400 ? "ok" : "error");

function checkStatus(what: string, status: number): number {
  if (!(Number.isInteger(status) && status >= 200 && status <= 599)) {
    throw new RangeError(`${what} must be an integer status in [200, 599], got ${status}`);
  }
  return status;
}

function resolveOutage(where: string, outage: Outage): ResolvedOutage {
  const { from, to, mode } = outage;
  if (!OUTAGE_MODES.includes(mode)) {
    throw new RangeError(`${where}.mode must be one of ${OUTAGE_MODES.join(", ")}, got ${mode}`);
  }
  if (!Number.isFinite(from)) throw new RangeError(`${where}.from must be finite, got ${from}`);
  if (!(to > from)) throw new RangeError(`${where}.to must be > from (${from}), got ${to}`);
  if (mode === "slow" && outage.latency === undefined) {
    throw new TypeError(`${where}.latency is required for mode "slow"`);
  }
  return {
    from,
    to,
    mode,
    status: checkStatus(`${where}.status`, outage.status ?? 503),
    latency:
      outage.latency === undefined ? undefined : toSampler(outage.latency, `${where}.latency`),
  };
}

/**
 * Normalises an upstream's model and gives it a random stream of its own, drawn from the
 * fleet's, so extra calls to one upstream do not shift the draws of another.
 */
export function resolveUpstream(
  origin: string,
  model: UpstreamModel,
  fleetRandom: Random,
): ResolvedUpstream {
  const where = `upstreams["${origin}"]`;
  const errorRate = model.errorRate ?? 0;
  if (!(errorRate >= 0 && errorRate <= 1)) {
    throw new RangeError(`${where}.errorRate must be a number in [0, 1], got ${errorRate}`);
  }
  const { body, overload } = model;
  if (overload !== undefined && !(overload.capacity >= 0)) {
    throw new RangeError(
      `${where}.overload.capacity must be a number >= 0, got ${overload.capacity}`,
    );
  }
  return {
    origin,
    random: seededRandom(Math.floor(fleetRandom() * 4294967296)),
    latency: toSampler(model.latency ?? 1, `${where}.latency`),
    errorRate,
    status: checkStatus(`${where}.status`, model.status ?? 503),
    body: typeof body === "function" ? body : body === undefined ? defaultBody : () => body,
    headers: model.headers,
    outages: (model.outages ?? []).map((o, i) => resolveOutage(`${where}.outages[${i}]`, o)),
    capacity: overload?.capacity ?? Number.POSITIVE_INFINITY,
    latencyPerExtra:
      overload === undefined
        ? undefined
        : toSampler(overload.latencyPerExtra, `${where}.overload.latencyPerExtra`),
  };
}
