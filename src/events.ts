import type { HubSyncEvent } from "./hub/hub-events";

/**
 * The client's events. Each listener gets one structured payload object, so fields can be
 * added later without breaking listeners.
 */

/** After every attempt, with its outcome. */
export interface AttemptEvent {
  /** 1-based attempt number within the call. */
  attempt: number;
  method: string;
  url: string;
  /** Base URL of the upstream. */
  upstream: string;
  /** Response status, when the attempt got a response. */
  status: number | undefined;
  /** The failure, when it got none. */
  error: unknown;
  durationMs: number;
  /** Whether the request could be sent again (false for a stream body over the buffer limit). */
  replayable: boolean;
}

/** Before a retry's backoff. */
export interface RetryEvent {
  /** The attempt number about to be made. */
  attempt: number;
  method: string;
  /** Base URL of the upstream whose attempt failed. */
  upstream: string | undefined;
  /** Why: a status on the retry list, or an error (network error, attempt timeout). */
  reason: "status" | "error";
  status: number | undefined;
  error: unknown;
  /** The wait before the next attempt. */
  delayMs: number;
  /** The server's `Retry-After`, in ms, when it set one. */
  retryAfterMs: number | undefined;
}

/** When a failed attempt is not retried although its outcome was retryable. */
export interface GiveUpEvent {
  attempt: number;
  method: string;
  upstream: string | undefined;
  reason:
    | "attempts"
    | "not-idempotent"
    | "body-not-replayable"
    | "budget"
    | "deadline"
    | "retry-after-too-long";
  status: number | undefined;
  error: unknown;
}

/** A circuit breaker changed state. */
export interface BreakerEvent {
  upstream: string;
  from: "closed" | "open" | "half-open" | "isolated";
  to: "closed" | "open" | "half-open" | "isolated";
  /** A strategy name (`consecutive-failures`, `failure-rate`, `slow-call-rate`), `open-elapsed`, `probe-failed`, `probes-succeeded`, `isolated`, `reset` or `restored`. */
  reason: string;
  /** Clock time of the change. */
  at: number;
  /** The new state, with `until` and `trips` when open. */
  state: unknown;
}

/** An upstream was ejected as an outlier. */
export interface EjectEvent {
  upstream: string;
  /** `consecutive-failures`, `success-rate` or `failure-percentage`. */
  reason: string;
  /** Clock time at which it returns. */
  until: number;
  at: number;
}

/** An ejected upstream returned. */
export interface ReadmitEvent {
  upstream: string;
  at: number;
}

/** A hedged attempt was sent: after the delay, or at once because an attempt failed. */
export interface HedgeEvent {
  /** Base URL of the upstream the hedge went to (`undefined` without a balancer). */
  upstream: string | undefined;
  /** Base URL of the upstream of the call's first attempt in this group. */
  primaryUpstream: string | undefined;
  /** Time since the first attempt of the group was sent, ms. */
  afterMs: number;
  /** `"delay"`: the first attempt had not answered in time; `"failure"`: an attempt failed retryably. */
  reason: "delay" | "failure";
  /** The hedge's attempt number within the call. */
  attempt: number;
}

/**
 * Event names and their payloads. Layers added by later features (`hedge`, `breaker`,
 * `eject`, …) extend this map.
 */
export interface ClientEventMap {
  attempt: AttemptEvent;
  retry: RetryEvent;
  giveup: GiveUpEvent;
  breaker: BreakerEvent;
  eject: EjectEvent;
  readmit: ReadmitEvent;
  hedge: HedgeEvent;
  /** From the health source (`hubSync()`): snapshot applied, report sent, hub unreachable, lease run. */
  hub: HubSyncEvent;
}

/**
 * Where a layer sends its events: the client's {@link Emitter}, or for a layer used on its own
 * a sink that nobody listens to (so the emitter is not bundled with `compose`).
 *
 * @example
 * ```ts
 * if (events.has("retry")) events.emit("retry", payload);
 * ```
 */
export interface EventSink {
  /** Whether anyone listens to `name` (a layer builds no payload when nobody does). */
  has(name: keyof ClientEventMap): boolean;
  emit<K extends keyof ClientEventMap>(name: K, event: ClientEventMap[K]): void;
}

type Listeners = { [K in keyof ClientEventMap]?: Array<(event: ClientEventMap[K]) => void> };

/**
 * A tiny typed emitter. `has()` lets a layer skip building a payload when nobody listens,
 * which is how events cost nothing by default. A throwing listener is reported and does not
 * break the call.
 *
 * @example
 * ```ts
 * const events = new Emitter();
 * const off = events.on("retry", (e) => console.log(e.attempt, e.delayMs));
 * if (events.has("retry")) events.emit("retry", payload);
 * off();
 * ```
 */
export class Emitter implements EventSink {
  readonly #listeners: Listeners = {};

  has(name: keyof ClientEventMap): boolean {
    return this.#listeners[name] !== undefined;
  }

  on<K extends keyof ClientEventMap>(
    name: K,
    listener: (event: ClientEventMap[K]) => void,
  ): () => void {
    if (typeof listener !== "function") {
      throw new TypeError(`listener for "${name}" must be a function`);
    }
    const list = (this.#listeners[name] ?? []) as Array<(event: ClientEventMap[K]) => void>;
    // Copy on write: a listener that unsubscribes during emit does not disturb the loop.
    (this.#listeners as Record<string, unknown>)[name] = [...list, listener];
    return () => {
      const current = this.#listeners[name] as
        | Array<(event: ClientEventMap[K]) => void>
        | undefined;
      if (current === undefined) return;
      const rest = current.filter((l) => l !== listener);
      (this.#listeners as Record<string, unknown>)[name] = rest.length === 0 ? undefined : rest;
    };
  }

  emit<K extends keyof ClientEventMap>(name: K, event: ClientEventMap[K]): void {
    const list = this.#listeners[name] as Array<(event: ClientEventMap[K]) => void> | undefined;
    if (list === undefined) return;
    for (const listener of list) {
      try {
        listener(event);
      } catch (error) {
        report(error);
      }
    }
  }
}

function report(error: unknown): void {
  const reportError = (globalThis as { reportError?: (error: unknown) => void }).reportError;
  if (typeof reportError === "function") reportError(error);
  else console.error("resilient-fetch: an event listener threw", error);
}
