import { type ClientOptions, resolveClientOptions } from "./client-options";
import { pipeline, run } from "./compose";
import { createCall, type ResilientRequestInit } from "./core/create-call";
import type { UpstreamInput } from "./core/upstream";
import { UpstreamPool } from "./core/upstream-pool";
import { type ClientEventMap, Emitter } from "./events";
import { balance } from "./layers/balance";
import { deadline } from "./layers/deadline";
import { retryResolved } from "./layers/retry";
import { timeout } from "./layers/timeout";
import { transport } from "./layers/transport";
import type { Layer } from "./types";

/**
 * Live figures for one upstream, as `client.stats()` reports them.
 */
export interface UpstreamStats {
  url: string;
  weight: number;
  inFlight: number;
  /** Attempts sent. */
  requests: number;
  /** Attempts that ended in a network error or a timeout. */
  failures: number;
}

/** What `client.stats()` returns. */
export interface ClientStats {
  upstreams: UpstreamStats[];
  /** Calls in flight (each may have several attempts). */
  inFlight: number;
}

/**
 * A resilient `fetch` over a set of upstreams.
 */
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
  /** Stops taking calls and resolves once the calls in flight have settled. */
  close(): Promise<void>;
}

/**
 * Creates a client. Options are validated here, once: a bad value throws a `TypeError` or
 * `RangeError` naming the option.
 *
 * The pipeline, outermost first: `deadline` (total timeout, caller's signal) → `retry`
 * (backoff, `Retry-After`, budget, idempotency, body replay) → `balance` (picks the upstream
 * per attempt, fails over) → `timeout` (per attempt) → `transport` (the injected `fetch`).
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
  const pool = new UpstreamPool(resolved.upstreams);
  const events = new Emitter();
  const context = { random: resolved.random, events };
  const layers: Layer[] = [];
  if (resolved.timeout.total !== Number.POSITIVE_INFINITY)
    layers.push(deadline(resolved.timeout.total));
  // The retry layer also runs for one attempt: it counts calls into the retry budget.
  layers.push(retryResolved(resolved.retry, context));
  layers.push(balance(pool, context));
  if (resolved.timeout.attempt !== Number.POSITIVE_INFINITY)
    layers.push(timeout(resolved.timeout.attempt));
  const handler = pipeline(layers)(transport(resolved.fetch));
  const clock = resolved.clock;

  let closed = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;
  const resolveTarget = (url: string) => pool.resolveTarget(url);

  function settled(): void {
    inFlight--;
    if (inFlight === 0 && drained !== undefined) drained();
  }

  return {
    fetch(input, init) {
      if (closed) return Promise.reject(new TypeError("the client is closed"));
      let promise: Promise<Response>;
      try {
        promise = run(handler, createCall(input, init, clock, resolveTarget));
      } catch (error) {
        return Promise.reject(error);
      }
      inFlight++;
      promise.then(settled, settled);
      return promise;
    },
    stats() {
      const now = clock.now();
      return {
        inFlight,
        upstreams: pool.list.map((upstream) => ({
          url: upstream.base,
          weight: upstream.weight,
          inFlight: upstream.inFlight.count(now),
          requests: upstream.requests,
          failures: upstream.failures,
        })),
      };
    },
    on(name, listener) {
      return events.on(name, listener);
    },
    setUpstreams(upstreams) {
      pool.set(upstreams);
    },
    close() {
      closed = true;
      if (inFlight === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        drained = resolve;
      });
    },
  };
}
