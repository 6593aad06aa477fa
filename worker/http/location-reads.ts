import type { HubProbeLease } from "../../src/protocol";
import { etagMatches } from "../model/etag";
import { type LeaseSlot, leaseAnswered, leaseAskDue, leaseAsking } from "../model/lease-slot";
import { withLease } from "../model/snapshot";
import type { HealthReply, Refusal } from "../objects/hub-rpc";
import { type LocationCopy, SharedCopies } from "./shared-copies";

/** Where an answer came from: this isolate's copy, the location's Cache API copy, or the object. */
export type SnapshotSource = "isolate" | "location" | "object";

/**
 * What the Worker sends for `GET /health`: the snapshot (with the caller's lease in it, on
 * the one response that hands it out), "not modified", or a refusal.
 *
 * @example
 * ```ts
 * if (answer.ok && answer.status === 304) return c.body(null, 304, { ETag: answer.etag });
 * ```
 */
export type HealthAnswer =
  | { ok: true; status: 200; etag: string; body: string; lease: boolean; source: SnapshotSource }
  | { ok: true; status: 304; etag: string; source: SnapshotSource }
  | Refusal;

/** The service's object as far as reads are concerned (its RPC stub, in the Worker). */
export interface SnapshotOrigin {
  health(ifNoneMatch: string | null, leaseColo: string | null): Promise<HealthReply>;
}

/**
 * One read: who asks, for which location, with what they hold.
 *
 * @example
 * ```ts
 * const read: LocationRead = { service, colo, ifNoneMatch: null, mayProbe: true, cacheMs: 1_000, origin: () => hub, cacheUrl: "https://hub.example" };
 * ```
 */
export interface LocationRead {
  service: string;
  colo: string;
  ifNoneMatch: string | null;
  /** A caller that may report, and so may be handed the location's probe lease. */
  mayProbe: boolean;
  /** `locationSettings().snapshotCacheMs`; 0 sends the read to the object. */
  cacheMs: number;
  /** The service's object; called only when the read has to reach it. */
  origin: () => SnapshotOrigin;
  /** The Worker's origin, for the Cache API key. */
  cacheUrl: string;
  /** Keeps a Cache API write going after the response (`ctx.waitUntil`). */
  waitUntil?: (work: Promise<unknown>) => void;
}

/** Options of {@link LocationReads}. */
export interface LocationReadsOptions {
  /** @default Date.now */
  now?: () => number;
  /** Waits `ms` (a follower polling for the copy another request is fetching). @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
  /** The location's shared cache; `null` for none. @default caches.default */
  cache?: Cache | null;
  /** Most (service, location) pairs an isolate remembers. @default 1_024 */
  limit?: number;
}

/**
 * How long requests lean on another request of the isolate that is fetching a copy: about
 * one hub round trip, bounded so a lost request does not hold the others up.
 */
export const FETCH_WAIT_MS = 2_000;
/** How often a request without any copy looks whether the fetching request brought one. */
export const POLL_MS = 5;

/**
 * Snapshot reads at a location: one copy per service and location, in this isolate and
 * in the location's Cache API, revalidated with the service's object by ETag at most every
 * `cacheMs`, so a location costs the object about one read per `cacheMs` whatever its
 * number of clients. Probe leases stay out of every copy: a caller that may report asks
 * the object for the location's lease only when this isolate's lease slot says one may be
 * due, and the lease travels in that one uncached response.
 *
 * Only plain values are kept between requests (a Worker may not await another request's
 * I/O). While one request fetches a copy, the others of the isolate answer from the stale
 * copy, or, with none yet, poll for it every {@link POLL_MS}, for up to
 * {@link FETCH_WAIT_MS}.
 *
 * @example
 * ```ts
 * const reads = new LocationReads();
 * const answer = await reads.read({ service, colo, ifNoneMatch, mayProbe, cacheMs: 1_000, origin: () => hub, cacheUrl });
 * ```
 */
export class LocationReads {
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly limit: number;
  private readonly copies = new Map<string, LocationCopy>();
  /** Per key, the request of this isolate fetching its copy from the object, and since when. */
  private readonly fetching = new Map<string, { since: number; seq: number }>();
  private seq = 0;
  private readonly unknown = new Map<string, number>();
  private readonly slots = new Map<string, LeaseSlot>();
  /** Per service, when its config last changed through this isolate. */
  private readonly changed = new Map<string, number>();
  private readonly shared: SharedCopies;

  constructor(options: LocationReadsOptions = {}) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.limit = options.limit ?? 1_024;
    this.shared = new SharedCopies(options.cache);
  }

  /** Answers one read. */
  async read(r: LocationRead): Promise<HealthAnswer> {
    if (r.cacheMs === 0) return direct(r);
    const key = `${r.service}/${r.colo}`;
    const now = this.now();
    const unknownAt = this.unknown.get(key);
    if (unknownAt !== undefined && now - unknownAt < r.cacheMs) return UNKNOWN;
    const askLease = r.mayProbe && leaseAskDue(this.slots.get(key), now);
    let copy = this.copies.get(key);
    if (!askLease) {
      if (copy && now - copy.checkedAt < r.cacheMs) return answer(copy, r.ifNoneMatch, "isolate");
      const other = this.fetching.get(key);
      if (other !== undefined && now - other.since < FETCH_WAIT_MS) {
        if (copy) return answer(copy, r.ifNoneMatch, "isolate");
        const arrived = await this.follow(key, other);
        if (arrived) return answer(arrived, r.ifNoneMatch, "isolate");
        if (this.unknown.has(key)) return UNKNOWN;
      }
    }
    const mine = { since: now, seq: ++this.seq };
    this.fetching.set(key, mine);
    try {
      if (!askLease) {
        // Another isolate of this location may have revalidated it a moment ago.
        const found = await this.shared.get(r.cacheUrl, key, copy);
        const changedAt = this.changed.get(r.service) ?? Number.NEGATIVE_INFINITY;
        if (found && found.checkedAt > changedAt && (!copy || found.checkedAt > copy.checkedAt)) {
          copy = this.keep(key, found);
          if (this.now() - copy.checkedAt < r.cacheMs)
            return answer(copy, r.ifNoneMatch, "location");
        }
      }
      return await this.fromObject(r, key, copy, askLease);
    } finally {
      if (this.fetching.get(key) === mine) this.fetching.delete(key);
    }
  }

  /**
   * Forgets what this isolate holds for `service` (copies, "unknown", lease slots): its
   * config just changed through this isolate, so the next read here revalidates at once.
   * Other isolates and locations see the change within `cacheMs`.
   */
  forget(service: string): void {
    const prefix = `${service}/`;
    for (const map of [this.copies, this.unknown, this.slots]) {
      for (const key of map.keys()) if (key.startsWith(prefix)) map.delete(key);
    }
    this.remember(this.changed, service, this.now());
  }

  private async fromObject(
    r: LocationRead,
    key: string,
    copy: LocationCopy | undefined,
    askLease: boolean,
  ): Promise<HealthAnswer> {
    if (askLease) this.remember(this.slots, key, leaseAsking(this.slots.get(key), this.now()));
    let reply: HealthReply;
    try {
      reply = await r.origin().health(copy?.etag ?? null, askLease ? r.colo : null);
    } catch (err) {
      if (askLease) this.remember(this.slots, key, leaseAnswered(null, this.now()));
      throw err;
    }
    const at = this.now();
    if (askLease) {
      const dueAt = reply.ok ? (reply.lease?.dueAt ?? null) : null;
      this.remember(this.slots, key, leaseAnswered(dueAt, at));
    }
    if (!reply.ok) {
      if (reply.status === 404) this.remember(this.unknown, key, at);
      return reply;
    }
    this.unknown.delete(key);
    let confirmed: LocationCopy;
    if (reply.status === 200) {
      confirmed = { etag: reply.etag, version: reply.version, body: reply.body, checkedAt: at };
    } else if (copy) {
      confirmed = { ...copy, checkedAt: at };
    } else {
      throw new Error("the hub answered 304 to a read without an ETag");
    }
    this.keep(key, confirmed);
    this.shared.put(r.cacheUrl, key, confirmed, reply.status === 200, r.waitUntil);
    const offer = reply.lease?.offer;
    if (offer) return withOffer(confirmed.body, confirmed.version, offer);
    return answer(confirmed, r.ifNoneMatch, "object");
  }

  /** Polls for the copy that the `other` request fetching it brings. */
  private async follow(
    key: string,
    other: { since: number; seq: number },
  ): Promise<LocationCopy | null> {
    // Counted, not timed: in workerd the clock may stand still while only timers run.
    for (let polls = 0; polls < FETCH_WAIT_MS / POLL_MS; polls++) {
      if (this.fetching.get(key) !== other) break;
      await this.sleep(POLL_MS);
    }
    const copy = this.copies.get(key);
    return copy && copy.checkedAt >= other.since ? copy : null;
  }

  private keep(key: string, copy: LocationCopy): LocationCopy {
    this.remember(this.copies, key, copy);
    return copy;
  }

  /** Sets `key`; with `limit` keys held, the one set first (and not since) goes. */
  private remember<V>(map: Map<string, V>, key: string, value: V): void {
    if (map.size >= this.limit && !map.has(key)) map.delete(map.keys().next().value!);
    map.delete(key);
    map.set(key, value);
  }
}

const UNKNOWN: Refusal = { ok: false, status: 404, error: "unknown service" };

function answer(copy: LocationCopy, ifNoneMatch: string | null, source: SnapshotSource) {
  if (ifNoneMatch !== null && etagMatches(ifNoneMatch, copy.etag))
    return { ok: true as const, status: 304 as const, etag: copy.etag, source };
  return {
    ok: true as const,
    status: 200 as const,
    etag: copy.etag,
    body: copy.body,
    lease: false,
    source,
  };
}

function withOffer(body: string, version: number, offer: HubProbeLease): HealthAnswer {
  // Its own ETag, so the caller's next If-None-Match gets the lease-free snapshot.
  const etag = `"${version}-${offer.id}"`;
  return {
    ok: true,
    status: 200,
    etag,
    body: withLease(body, offer),
    lease: true,
    source: "object",
  };
}

/** With the cache off: every read is one call to the object, as before the cache. */
async function direct(r: LocationRead): Promise<HealthAnswer> {
  const reply = await r.origin().health(r.ifNoneMatch, r.mayProbe ? r.colo : null);
  if (!reply.ok) return reply;
  const offer = reply.lease?.offer;
  if (reply.status === 304) return { ok: true, status: 304, etag: reply.etag, source: "object" };
  if (offer) return withOffer(reply.body, reply.version, offer);
  return {
    ok: true,
    status: 200,
    etag: reply.etag,
    body: reply.body,
    lease: false,
    source: "object",
  };
}
