/**
 * A location's copy of one service's snapshot, as this isolate holds it.
 *
 * @example
 * ```ts
 * const fresh = Date.now() - copy.checkedAt < cacheMs;
 * ```
 */
export interface LocationCopy {
  etag: string;
  version: number;
  body: string;
  /** When the service's object last confirmed it (a 200 or a 304). */
  checkedAt: number;
}

/** How long the Cache API keeps a copy: long enough to revalidate it by ETag, no longer. */
export const SHARED_KEEP_S = 60;
const PAUSE_MS = 60_000;
const CHECKED_AT = "x-hub-checked-at";
const VERSION = "x-hub-version";

/**
 * Snapshot copies in the location's Cache API (`caches.default`), shared by every isolate
 * of the Worker in that data center. Each copy is two entries: a small pointer (ETag,
 * version, when the object last confirmed it) that every revalidation rewrites, and the
 * body under its ETag, written once per version. So a revalidation that ends in a 304, the
 * usual case, moves no body, and an isolate that holds the current body reads only the
 * pointer. Best effort: an error, or the Cache API doing nothing (it is a no-op on
 * `*.workers.dev`), only means more reads reach the object.
 *
 * @example
 * ```ts
 * const shared = new SharedCopies();
 * const copy = await shared.get("https://hub.example.com", "payments/AMS", held);
 * ```
 */
export class SharedCopies {
  private failedAt = Number.NEGATIVE_INFINITY;

  /** `cache`: the cache to use; `null` for none. @default caches.default */
  constructor(private readonly cache?: Cache | null) {}

  /**
   * The location's copy for `key`, if the Cache API holds one; its body is `held`'s when
   * the ETags agree (then only the pointer is read).
   */
  async get(origin: string, key: string, held?: LocationCopy): Promise<LocationCopy | null> {
    const cache = this.open();
    if (!cache) return null;
    try {
      const pointer = await cache.match(pointerUrl(origin, key));
      if (!pointer) return null;
      await pointer.body?.cancel();
      const etag = pointer.headers.get("etag");
      const checkedAt = Number(pointer.headers.get(CHECKED_AT));
      const version = Number(pointer.headers.get(VERSION));
      if (etag === null || !Number.isFinite(checkedAt) || !Number.isFinite(version)) return null;
      if (held?.etag === etag) return { ...held, checkedAt };
      const body = await cache.match(bodyUrl(origin, key, etag));
      if (!body) return null;
      return { etag, version, checkedAt, body: await body.text() };
    } catch (err) {
      this.fail(err);
      return null;
    }
  }

  /**
   * Stores `copy` for `key` (its body only when `newBody`); the writes go on after the
   * response through `waitUntil`.
   */
  put(
    origin: string,
    key: string,
    copy: LocationCopy,
    newBody: boolean,
    waitUntil?: (work: Promise<unknown>) => void,
  ): void {
    const cache = this.open();
    if (!cache) return;
    const cacheControl = `max-age=${SHARED_KEEP_S}`;
    const writes: Promise<void>[] = [];
    if (newBody) {
      const body = new Response(copy.body, {
        headers: {
          "content-type": "application/json; charset=utf-8",
          "cache-control": cacheControl,
        },
      });
      writes.push(cache.put(bodyUrl(origin, key, copy.etag), body));
    }
    const pointer = new Response(null, {
      headers: {
        "cache-control": cacheControl,
        etag: copy.etag,
        [CHECKED_AT]: String(copy.checkedAt),
        [VERSION]: String(copy.version),
      },
    });
    // The body first: a pointer must never name a body that is not there yet.
    const work = Promise.all(writes)
      .then(() => cache.put(pointerUrl(origin, key), pointer))
      .catch((err) => this.fail(err));
    waitUntil?.(work);
  }

  private open(): Cache | null {
    if (Date.now() - this.failedAt < PAUSE_MS) return null;
    if (this.cache !== undefined) return this.cache;
    return typeof caches === "undefined" ? null : caches.default;
  }

  /** A Cache API that throws (unavailable here) is left alone by this isolate for a while. */
  private fail(err: unknown): void {
    console.error("hub: the Cache API failed; copies stay per isolate for a minute", err);
    this.failedAt = Date.now();
  }
}

const pointerUrl = (origin: string, key: string) =>
  `${origin}/__hub/location-copy/${encodeURIComponent(key)}`;
const bodyUrl = (origin: string, key: string, etag: string) =>
  `${pointerUrl(origin, key)}/${encodeURIComponent(etag)}`;
