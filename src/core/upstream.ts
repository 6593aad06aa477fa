import type { BalancerCandidate } from "../balancer/candidate";
import type { AvailabilityTracker } from "../guard/availability-tracker";
import type { CircuitBreaker } from "../guard/circuit-breaker";
import type { RemoteGate } from "../health-source";
import { describe, numberOption, POSITIVE } from "../options/validate";
import { LatencyHistogram } from "../stats/latency-histogram";
import { PeakEwma } from "../stats/peak-ewma";
import { InFlight } from "./in-flight";

const WEIGHT = { default: 1, ...POSITIVE };

/**
 * How an upstream is configured: a base URL, or a URL with a weight.
 *
 * @example
 * ```ts
 * const upstreams: UpstreamInput[] = ["https://a.internal", { url: "https://b.internal", weight: 2 }];
 * ```
 */
export type UpstreamInput = string | { url: string; weight?: number };

/**
 * The client's live state for one upstream. Created once per configured upstream and kept
 * while the upstream stays configured; every layer that learns about an upstream keeps its
 * per-upstream state here, so it survives upstream list updates.
 *
 * @example
 * ```ts
 * const [a] = parseUpstreams(["https://a.internal/api"]);
 * const url = a.base + "/v1/users"; // → "https://a.internal/api/v1/users"
 * ```
 */
export class Upstream implements BalancerCandidate {
  /** The base URL without a trailing slash, e.g. `https://a.internal/api`. */
  readonly base: string;
  /** The configured relative weight (positive). */
  configuredWeight: number;
  /**
   * The weight the balancer uses now: the configured one, ramped during slow start for the
   * balancers whose shares follow weights (see `Picker.proportional`).
   */
  weight: number;
  /** Slow start's share of the configured weight now, in (0, 1] (1 outside slow start). */
  ramp = 1;
  /** Attempts in flight as of the last pick (the balancer refreshes it from {@link pending}). */
  inFlight = 0;
  /** Attempts in flight, expiring by deadline (see {@link InFlight}). */
  readonly pending = new InFlight();
  /** Smooth weighted round robin's running score. */
  wrrCurrent = 0;
  /** Peak-EWMA latency, fed with every finished attempt. */
  ewma: PeakEwma;
  /** Latency of successful attempts, for percentiles (stats, hedge delay). */
  readonly latency = new LatencyHistogram();
  /** Per-upstream circuit breaker, when enabled. */
  breaker: CircuitBreaker | undefined;
  /** This upstream's index in the outlier detector, or -1. */
  outlierIndex = -1;
  /** Up/down history for MTBF, MTTR and availability. */
  availability: AvailabilityTracker | undefined;
  /** When the upstream last became healthy (slow start); `-Infinity` for "always was". */
  healthySince = -Infinity;
  /**
   * When a guard last took the upstream out (breaker opened, ejected): attempts sent before
   * then belong to the failures it was taken out for, so they count towards no new streak.
   * `Infinity` once `setUpstreams` removed it: nothing it still reports counts.
   */
  outSince = -Infinity;
  /** Set when an ejection ends: the next pick sends this upstream a probe. */
  probeDue = false;
  /** Attempts sent. */
  requests = 0;
  /** Attempts classified as successes. */
  successes = 0;
  /** Attempts classified as failures. */
  failures = 0;
  /** Hedged attempts sent to this upstream. */
  hedges = 0;
  /** What the health source (e.g. the hub) says beyond local state; see {@link RemoteGate}. */
  remote: RemoteGate = 0;

  constructor(base: string, weight: number) {
    this.base = base;
    this.configuredWeight = weight;
    this.weight = weight;
    this.ewma = new PeakEwma();
  }
}

/**
 * Validates and normalises the `upstreams` option. Throws a `TypeError`/`RangeError` naming
 * the offending entry.
 *
 * @example
 * ```ts
 * parseUpstreams(["https://a.internal", { url: "https://b.internal", weight: 2 }]);
 * ```
 */
export function parseUpstreams(input: unknown): Upstream[] {
  if (!Array.isArray(input) || input.length === 0) {
    throw new TypeError(
      `upstreams must be a non-empty array of URLs or { url, weight } objects, got ${describe(input)}`,
    );
  }
  const seen = new Set<string>();
  return input.map((entry: unknown, index) => {
    const name = `upstreams[${index}]`;
    let url: unknown = entry;
    let weight: unknown;
    if (typeof entry === "object" && entry !== null && !(entry instanceof URL)) {
      url = (entry as { url?: unknown }).url;
      weight = (entry as { weight?: unknown }).weight;
    }
    if (typeof url !== "string" && !(url instanceof URL)) {
      throw new TypeError(
        `${name} must be a URL string or { url, weight }, got ${describe(entry)}`,
      );
    }
    let parsed: URL;
    try {
      parsed = new URL(String(url));
    } catch (cause) {
      throw new TypeError(`${name} is not an absolute URL: ${String(url)}`, { cause });
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      throw new TypeError(`${name} must be an http: or https: URL, got ${parsed.protocol}`);
    }
    if (parsed.search !== "" || parsed.hash !== "") {
      throw new TypeError(`${name} must not have a query or fragment: ${parsed.href}`);
    }
    const checked = numberOption(`${name}.weight`, weight, WEIGHT);
    const base = parsed.href.replace(/\/+$/, "");
    if (seen.has(base)) throw new TypeError(`${name} repeats ${base}`);
    seen.add(base);
    return new Upstream(base, checked);
  });
}
