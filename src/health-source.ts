import type { Clock } from "./clock";
import type { ResilientRequestInit } from "./core/create-call";
import type { ClientEventMap } from "./events";
import type { AttemptOutcome, Classification } from "./guard/classify";
import type { Random } from "./random";
import type { FetchLike } from "./types";

/*
 * The plug-in point for shared health (`createClient({ health })`). Types only: a client
 * without a health source pays for none of this. `hubSync()` from `resilient-fetch/hub` is
 * one implementation; a test or an application can write its own (a static "drain list", a
 * different control plane) against these interfaces.
 */

/**
 * What a health source may tell the balancer about one upstream, in `upstream.remote`.
 * `0`: nothing, local state decides. `1` (**down**): no new calls, like an ejection: the
 * upstream counts as unhealthy and is used only in panic mode. `2` (**drained**): no new
 * calls at all, panic mode included. `3` (**trickle**): counts as unhealthy and takes a call
 * only while none is in flight to it (a half-open trickle of probes).
 *
 * @example
 * ```ts
 * upstream.remote = REMOTE_DOWN;
 * ```
 */
export type RemoteGate = 0 | 1 | 2 | 3;

/** See {@link RemoteGate}. @example `upstream.remote = REMOTE_NONE;` */
export const REMOTE_NONE = 0;
/** See {@link RemoteGate}. @example `upstream.remote = REMOTE_DOWN;` */
export const REMOTE_DOWN = 1;
/** See {@link RemoteGate}. @example `upstream.remote = REMOTE_DRAINED;` */
export const REMOTE_DRAINED = 2;
/** See {@link RemoteGate}. @example `upstream.remote = REMOTE_TRICKLE;` */
export const REMOTE_TRICKLE = 3;

/**
 * The client's own view of an upstream: `up`, `ejected` (outlier), or its breaker's state
 * when that is not closed.
 *
 * @example
 * ```ts
 * const outOfRotation = host.fleet.stateOf(upstream, now) !== "up";
 * ```
 */
export type LocalState = "up" | "ejected" | "open" | "half-open" | "closed" | "isolated";

/**
 * One upstream as a health source sees it: the client's live object (the same one while the
 * upstream stays configured).
 *
 * @example
 * ```ts
 * for (const upstream of host.upstreams()) if (drained.has(upstream.base)) upstream.remote = 2;
 * ```
 */
export interface HealthUpstream {
  /** The base URL without a trailing slash. */
  readonly base: string;
  /** What the balancer must do with the upstream beyond its local state; the source sets it. */
  remote: RemoteGate;
  /** The p2c latency estimate; a source may seed it while it has no history. */
  readonly ewma: { readonly hasHistory: boolean; observe(ms: number, now: number): void };
}

/**
 * What `createClient` hands a health source once, when the client is created.
 *
 * @example
 * ```ts
 * const source: HealthSource = { attach: (host) => new MySession(host) };
 * ```
 */
export interface HealthHost {
  /** The upstreams: `list` is replaced by a new array on `client.setUpstreams`. */
  pool: { readonly list: readonly HealthUpstream[] };
  /** The client's local view of an upstream: `up`, `ejected`, or its breaker's state. */
  fleet: { stateOf(upstream: HealthUpstream, now: number): LocalState };
  /** The client's resolved options; `fetch` is `undefined` for `globalThis.fetch`. */
  options: {
    readonly clock: Clock;
    readonly random: Random;
    readonly fetch: FetchLike | undefined;
  };
  /** The client's events: subscribe to `breaker`/`eject`, emit `hub` (check `has` first). */
  events: {
    has(name: keyof ClientEventMap): boolean;
    emit<K extends keyof ClientEventMap>(name: K, event: ClientEventMap[K]): void;
    on<K extends keyof ClientEventMap>(
      name: K,
      listener: (event: ClientEventMap[K]) => void,
    ): () => void;
  };
}

/**
 * The remote state applied to one upstream, as `client.stats().upstreams[i].hub` shows it.
 *
 * @example
 * ```ts
 * const { verdict, scope, ageMs } = client.stats().upstreams[0].hub ?? {};
 * ```
 */
export interface HealthStatus {
  /** The verdict applied: `up`, `down`, `degraded` or `unknown`. */
  verdict: string;
  /** Whose verdict: this location's (`location`) or the fleet-wide one (`global`). */
  scope: "location" | "global";
  /** How old the verdict's evidence is, ms. */
  ageMs: number;
  /** Drained by the operator: no new calls whatever the verdict. */
  drain: boolean;
  /** What the balancer does with it: the {@link RemoteGate} in words. */
  gate: "none" | "down" | "drained" | "trickle";
}

/**
 * The client's side of an attached health source. Every method is called synchronously on
 * the client's own paths and must neither throw nor block: slow work goes in the background.
 *
 * @example
 * ```ts
 * const session: HealthSession = {
 *   beforeCall: () => undefined,
 *   record: () => {},
 *   status: () => undefined,
 *   close: async () => {},
 * };
 * ```
 */
export interface HealthSession {
  /**
   * Before every call. May start background work (handing it to `init.waitUntil` when given)
   * and may return a promise that the call waits for first: only for a fresh client's first
   * calls, bounded, and never rejecting.
   */
  beforeCall(init: ResilientRequestInit | undefined): Promise<void> | undefined;
  /** After every attempt, with how the client classified it (`ignore`: the caller gave up). */
  record(
    upstream: HealthUpstream,
    classification: Classification,
    outcome: AttemptOutcome,
    durationMs: number,
    now: number,
  ): void;
  /** The remote state applied to an upstream, for `client.stats()`; `undefined` for none. */
  status(upstream: HealthUpstream, now: number): HealthStatus | undefined;
  /** On `client.close()`, once calls in flight have settled: flush, stop all background work. */
  close(): Promise<void>;
}

/**
 * A source of shared health for `createClient({ health })`, such as `hubSync()` from
 * `resilient-fetch/hub`. `attach` is called once per client.
 *
 * @example
 * ```ts
 * // Drains upstreams named in a static list, with no hub at all.
 * const drained = new Set(["https://b.internal"]);
 * const drainList: HealthSource = {
 *   attach(host) {
 *     for (const upstream of host.upstreams()) if (drained.has(upstream.base)) upstream.remote = 2;
 *     return {
 *       beforeCall: () => undefined,
 *       record: () => {},
 *       status: () => undefined,
 *       close: async () => {},
 *     };
 *   },
 * };
 * const client = createClient({ upstreams: ["https://a.internal", "https://b.internal"], health: drainList });
 * ```
 */
export interface HealthSource {
  attach(host: HealthHost): HealthSession;
}
