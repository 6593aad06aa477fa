import type { Clock } from "../clock";
import type { ResilientRequestInit } from "../core/create-call";
import type { HealthHost } from "../health-source";
import type { HubSyncEvent } from "./hub-events";
import type { HubReply } from "./hub-request";
import type { ResolvedHubSyncOptions } from "./hub-sync-options";
import type { RemoteState } from "./remote-state";
import type { Timed } from "./timed";

/** A call's `waitUntil` (Workers), which background work a call starts is handed to. */
export type WaitUntil = ResilientRequestInit["waitUntil"];

/**
 * What the parts of one hub sync session (reporter, refresher, first sync) share: the
 * options, the client, the remote state, and the session's own services.
 *
 * @example
 * ```ts
 * const reply = await context.send("/v1/services/payments/health", {}).result;
 * ```
 */
export interface SyncContext {
  readonly options: ResolvedHubSyncOptions;
  readonly host: HealthHost;
  readonly clock: Clock;
  readonly remote: RemoteState;
  /** Whether the session is closing: no new background work. */
  readonly closed: boolean;
  /** Sends a request to the hub with the session's token, timeout and a signal of its own. */
  send(path: string, init: RequestInit): Timed<HubReply>;
  /** Emits a `hub` event, if anybody listens. */
  emit(event: HubSyncEvent): void;
  /** Works out when something is next due (and, off Workers, arms the timer). */
  plan(now: number): void;
}

/**
 * Emits the `unreachable` event for a failed hub request.
 *
 * @example
 * ```ts
 * unreachable(context, "report", 500, "500 internal error", channel.failed(now));
 * ```
 */
export function unreachable(
  context: SyncContext,
  request: "snapshot" | "report",
  status: number | undefined,
  error: string,
  retryInMs: number,
): void {
  context.emit({ type: "unreachable", at: context.clock.now(), request, status, error, retryInMs });
}
