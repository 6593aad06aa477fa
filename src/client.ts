import { type ClientOptions, resolveClientOptions } from "./client-options";
import { pipeline, run } from "./compose";
import { createCall, type ResilientRequestInit } from "./core/create-call";
import { Fleet } from "./core/fleet";
import type { Upstream, UpstreamInput } from "./core/upstream";
import { UpstreamPool } from "./core/upstream-pool";
import { type ClientEventMap, Emitter } from "./events";
import type { AvailabilityFigures } from "./guard/availability-tracker";
import type { BreakerSnapshot, BreakerState } from "./guard/breaker-state";
import type { HealthSession, HealthStatus } from "./health-source";
import { balance } from "./layers/balance";
import { deadline } from "./layers/deadline";
import { guard } from "./layers/guard";
import { hedgeResolved } from "./layers/hedge";
import { retryResolved } from "./layers/retry";
import { timeout } from "./layers/timeout";
import { transport } from "./layers/transport";
import type { Layer } from "./types";

/** Live figures for one upstream, as `client.stats()` reports them. */
export interface UpstreamStats {
  url: string;
  /** Configured weight. */
  weight: number;
  /** Weight in use now (lower during slow start). */
  effectiveWeight: number;
  /** `up`, `ejected`, or the breaker's state when it is not closed. */
  state: "up" | "ejected" | BreakerState["kind"];
  breaker: BreakerState | undefined;
  inFlight: number;
  /** Attempts sent. */
  requests: number;
  successes: number;
  /** Attempts classified as failures (network error, timeout, 5xx, 408, 429 by default). */
  failures: number;
  /** Hedged attempts sent here. */
  hedges: number;
  /** Peak-EWMA latency estimate, ms (`null` before the first answer). */
  ewmaMs: number | null;
  /** Latency percentiles of recent successful attempts, ms (`null` without samples). */
  latency: { p50: number | null; p95: number | null; p99: number | null; count: number };
  /** MTBF, MTTR, availability and uptime from this upstream's up/down history. */
  availability: AvailabilityFigures | undefined;
  /** The remote (hub) verdict applied, its scope and age; `undefined` without one. */
  hub: HealthStatus | undefined;
}

/** What `client.stats()` returns. */
export interface ClientStats {
  /** Clock time of the figures. */
  at: number;
  /** Calls in flight (each may have several attempts). */
  inFlight: number;
  upstreams: UpstreamStats[];
}

/** Breaker states of every upstream, by base URL: plain versioned JSON. */
export interface BreakersSnapshot {
  v: 1;
  breakers: Record<string, BreakerSnapshot>;
}

/** A resilient `fetch` over a set of upstreams. */
export interface Client {
  /** Same contract as `fetch`; relative URLs resolve against the upstream picked per attempt. */
  fetch(input: string | URL | Request, init?: ResilientRequestInit): Promise<Response>;
  /** Per-upstream figures. */
  stats(): ClientStats;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof ClientEventMap>(
    name: K,
    listener: (event: ClientEventMap[K]) => void,
  ): () => void;
  /** Replaces the upstream list, keeping the state of upstreams that remain. */
  setUpstreams(upstreams: readonly UpstreamInput[]): void;
  /** Holds an upstream's breaker open until {@link reset} (e.g. for maintenance). */
  isolate(url: string): void;
  /** Closes an upstream's breaker and forgets its trips. */
  reset(url: string): void;
  /** The breaker state of every upstream, to save or to share with other instances. */
  breakerSnapshot(): BreakersSnapshot;
  /** Restores breaker states saved by {@link breakerSnapshot}; unknown upstreams are skipped. */
  restoreBreakers(snapshot: unknown): void;
  /**
   * Stops taking calls and resolves once the calls in flight have settled and the health
   * source (if any) has flushed its last report and stopped its background work.
   */
  close(): Promise<void>;
}

/**
 * Creates a client. Options are validated here, once: a bad value throws a `TypeError` or
 * `RangeError` naming the option.
 *
 * The pipeline, outermost first: `deadline` (total timeout, caller's signal) → `retry`
 * (backoff, `Retry-After`, budget, idempotency, body replay) → `hedge` (when configured:
 * a parallel attempt to another upstream after a delay) → `balance` (picks the upstream
 * per attempt: p2c, skips open breakers and ejected upstreams, fails over) → `guard`
 * (breaker, outlier ejection, latency, in-flight) → `timeout` (per attempt) → `transport`.
 *
 * @example
 * ```ts
 * import { createClient } from "resilient-fetch";
 *
 * const client = createClient({
 *   upstreams: ["https://a.internal", { url: "https://b.internal", weight: 2 }],
 *   timeout: { attempt: 1_000, total: 5_000 },
 *   retry: { attempts: 3 },
 * });
 * const res = await client.fetch("/v1/users/42");
 * await client.close();
 * ```
 */
export function createClient(options: ClientOptions): Client {
  const resolved = resolveClientOptions(options);
  const clock = resolved.clock;
  const pool = new UpstreamPool(resolved.upstreams);
  const events = new Emitter();
  const context = { random: resolved.random, events };
  const fleet = new Fleet(pool, resolved.fleet, clock, resolved.random, events);
  // The retry layer also runs for one attempt: it counts calls into the retry budget. A
  // timeout turned off (Infinity) leaves its layer with nothing to do.
  const layers: Layer[] = [
    deadline(resolved.timeout.total),
    retryResolved(resolved.retry, context),
  ];
  if (resolved.hedge !== false)
    layers.push(hedgeResolved(resolved.hedge, context, { fleet, on: resolved.retry.on }));
  layers.push(balance(fleet), guard(fleet, context), timeout(resolved.timeout.attempt));
  const handler = pipeline(layers)(transport(resolved.fetch));
  const health: HealthSession | undefined = resolved.health?.attach({
    pool,
    fleet,
    options: resolved,
    events,
  });
  fleet.observer = health;

  let closed = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;
  let draining: Promise<void> | undefined;
  let closing: Promise<void> | undefined;
  const resolveTarget = (url: string) => pool.resolveTarget(url);

  function start(input: string | URL | Request, init: ResilientRequestInit | undefined) {
    let call: ReturnType<typeof createCall>;
    try {
      call = createCall(input, init, clock, resolveTarget);
    } catch (error) {
      settled();
      return Promise.reject(error);
    }
    return run(handler, call, settled);
  }

  function settled(): void {
    inFlight--;
    if (inFlight === 0 && drained !== undefined) drained();
  }

  function upstreamNamed(url: string): Upstream {
    const base = url.replace(/\/+$/, "");
    const upstream = pool.list.find((candidate) => candidate.base === base);
    if (upstream === undefined) throw new TypeError(`${url} is not a configured upstream`);
    return upstream;
  }

  function breakerOf(url: string) {
    const breaker = upstreamNamed(url).breaker;
    if (breaker === undefined) throw new TypeError("the breaker is turned off (breaker: false)");
    return breaker;
  }

  return {
    fetch(input, init) {
      if (closed) return Promise.reject(new TypeError("the client is closed"));
      inFlight++;
      // Only a fresh client's first calls may wait for the health source, and only briefly.
      const wait = health?.beforeCall(init);
      return wait === undefined ? start(input, init) : wait.then(() => start(input, init));
    },
    stats() {
      const now = clock.now();
      return {
        at: now,
        inFlight,
        upstreams: pool.list.map((upstream) => upstreamStats(fleet, upstream, now, health)),
      };
    },
    on(name, listener) {
      return events.on(name, listener);
    },
    setUpstreams(upstreams) {
      pool.set(upstreams);
    },
    isolate(url) {
      breakerOf(url).isolate(clock.now());
    },
    reset(url) {
      breakerOf(url).reset(clock.now());
    },
    breakerSnapshot() {
      const breakers: Record<string, BreakerSnapshot> = {};
      for (const upstream of pool.list) {
        if (upstream.breaker !== undefined) breakers[upstream.base] = upstream.breaker.snapshot();
      }
      return { v: 1, breakers };
    },
    restoreBreakers(snapshot) {
      const value = snapshot as Partial<BreakersSnapshot> | null;
      if (value?.v !== 1 || typeof value.breakers !== "object" || value.breakers === null) {
        throw new TypeError("breaker snapshot must be { v: 1, breakers: { [url]: snapshot } }");
      }
      const now = clock.now();
      for (const upstream of pool.list) {
        const saved = value.breakers[upstream.base];
        if (saved !== undefined) upstream.breaker?.restore(saved, now);
      }
    },
    close() {
      closed = true;
      // One promise for every close() made while calls drain: each must resolve.
      if (inFlight !== 0) {
        draining ??= new Promise<void>((resolve) => {
          drained = resolve;
        });
      }
      // The health source flushes once the last calls' outcomes are in.
      closing ??= (draining ?? Promise.resolve()).then(() => health?.close());
      return closing;
    },
  };
}

function upstreamStats(
  fleet: Fleet,
  upstream: Upstream,
  now: number,
  health: HealthSession | undefined,
): UpstreamStats {
  fleet.refresh(upstream, now);
  const count = upstream.latency.count(now);
  const percentile = (p: number) => (count === 0 ? null : upstream.latency.percentile(p, now));
  return {
    url: upstream.base,
    weight: upstream.configuredWeight,
    effectiveWeight: upstream.configuredWeight * upstream.ramp,
    state: fleet.stateOf(upstream, now),
    breaker: upstream.breaker?.state,
    inFlight: upstream.inFlight,
    requests: upstream.requests,
    successes: upstream.successes,
    failures: upstream.failures,
    hedges: upstream.hedges,
    ewmaMs: upstream.ewma.hasHistory ? upstream.ewma.valueAt(now) : null,
    latency: { p50: percentile(0.5), p95: percentile(0.95), p99: percentile(0.99), count },
    availability: upstream.availability?.figures(now),
    hub: health?.status(upstream, now),
  };
}
