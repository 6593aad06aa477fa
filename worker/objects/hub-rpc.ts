import type { HubProbeLease } from "../../src/protocol";
import type { Issue } from "../http/errors";

/**
 * The shapes that cross the RPC boundary into a service's `HealthHub`: what the Worker
 * and the location relays get back. Plain data only.
 */

/**
 * A refusal the Worker turns into a JSON error response.
 *
 * @example
 * ```ts
 * const unknown: Refusal = { ok: false, status: 404, error: "unknown service" };
 * ```
 */
export type Refusal = { ok: false; status: 400 | 404 | 409; error: string; issues?: Issue[] };

/**
 * The result of an RPC call: the value, or why not.
 *
 * @example
 * ```ts
 * const reply: Reply<number> = { ok: true, value: 7 };
 * ```
 */
export type Reply<T> = { ok: true; value: T } | Refusal;

/**
 * The answer to a lease ask: the lease when this caller got it, and the earliest time one
 * may be due for the location again (asking before then is pointless).
 *
 * @example
 * ```ts
 * if (reply.lease?.offer) hand(reply.lease.offer);
 * ```
 */
export type LeaseAnswer = { offer: HubProbeLease | null; dueAt: number };

/**
 * The result of `health()`: the snapshot (never with a lease in it), or "not modified",
 * plus the lease answer when one was asked for. A granted lease always comes with the
 * body, so the caller can hand it out with the snapshot.
 *
 * @example
 * ```ts
 * const reply = await hub.health('"41"', "AMS");
 * if (reply.ok && reply.status === 304) keepCopy();
 * ```
 */
export type HealthReply =
  | {
      ok: true;
      status: 200;
      etag: string;
      version: number;
      body: string;
      lease: LeaseAnswer | null;
    }
  | { ok: true; status: 304; etag: string; version: number; lease: LeaseAnswer | null }
  | Refusal;

/**
 * What a location's relay needs to check reports before it merges them: the configured
 * upstreams, the ones that refuse its location (their location limit is reached), the
 * version, and a tag that changes with every config.
 *
 * @example
 * ```ts
 * const accepted = new Set(info.upstreams);
 * ```
 */
export interface RelayInfo {
  version: number;
  configTag: number;
  upstreams: string[];
  refused: string[];
}

/**
 * The hub's answer to a relay's flush: the version after it and the config tag, so the
 * relay notices a config change.
 *
 * @example
 * ```ts
 * if (ack.configTag !== info.configTag) refreshInfo();
 * ```
 */
export interface RelayAck {
  version: number;
  configTag: number;
}
