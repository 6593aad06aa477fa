/**
 * What `client.on("hub", listener)` receives from `hubSync()`: one object per event, told
 * apart by `type`. Nothing is built for them while nobody listens.
 *
 * - `snapshot`: a snapshot was fetched and applied (`notModified` for a 304);
 * - `report`: a report batch was accepted by the hub;
 * - `unreachable`: a hub request failed (network error, timeout, an error status, a body that
 *   is not a valid snapshot); `retryInMs` is the backoff before that request is tried again;
 * - `lease`: this client ran the location's edge heartbeats under a probe lease;
 * - `dropped`: outcomes were dropped unsent: the oldest, to keep memory bounded while the
 *   hub could not be reached, or a batch the hub refused as invalid.
 *
 * @example
 * ```ts
 * client.on("hub", (e) => {
 *   if (e.type === "unreachable") console.warn(`hub ${e.request} failed: ${e.error}`);
 * });
 * ```
 */
export type HubSyncEvent =
  | {
      type: "snapshot";
      at: number;
      /** The hub's version of the snapshot. */
      version: number;
      /** A 304: the hub confirmed the snapshot held is current. */
      notModified: boolean;
      /** Upstreams kept from new calls now (down or drained). */
      excluded: string[];
    }
  | {
      type: "report";
      at: number;
      /** Body size in bytes. */
      bytes: number;
      /** Upstream entries and heartbeat results in the batch. */
      upstreams: number;
      heartbeats: number;
      /** Outcomes counted in the batch. */
      outcomes: number;
    }
  | {
      type: "unreachable";
      at: number;
      request: "snapshot" | "report";
      /** The HTTP status when the hub answered, else `undefined`. */
      status: number | undefined;
      /** What went wrong, in words. */
      error: string;
      retryInMs: number;
    }
  | {
      type: "lease";
      at: number;
      id: string;
      /** Targets probed, and how many of them answered as expected. */
      targets: number;
      ok: number;
    }
  | {
      type: "dropped";
      at: number;
      /** Outcomes dropped. */
      outcomes: number;
      reason: "bound" | "refused";
    };
