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
 * of the Worker in that data center. Best effort: an error, or the Cache API doing nothing
 * (on `*.workers.dev` it is a no-op), only means more reads reach the object. The entry
 * carries when the object last confirmed it, since freshness is judged by the reader.
 *
 * @example
 * ```ts
 * const shared = new SharedCopies();
 * const copy = await shared.get("https://hub.example.com", "payments/AMS");
 * ```
 */
export class SharedCopies {
  private failedAt = Number.NEGATIVE_INFINITY;

  /** `cache`: the cache to use; `null` for none. @default caches.default */
  constructor(private readonly cache?: Cache | null) {}

  /** The location's copy for `key`, if the Cache API holds one. */
  async get(origin: string, key: string): Promise<LocationCopy | null> {
    const cache = this.open();
    if (!cache) return null;
    try {
      const res = await cache.match(entryUrl(origin, key));
      if (!res) return null;
      const etag = res.headers.get("etag");
      const checkedAt = Number(res.headers.get(CHECKED_AT));
      const version = Number(res.headers.get(VERSION));
      if (etag === null || !Number.isFinite(checkedAt) || !Number.isFinite(version)) {
        await res.body?.cancel();
        return null;
      }
      return { etag, version, checkedAt, body: await res.text() };
    } catch (err) {
      this.fail(err);
      return null;
    }
  }

  /** Stores `copy` for `key`; the write goes on after the response through `waitUntil`. */
  put(
    origin: string,
    key: string,
    copy: LocationCopy,
    waitUntil?: (work: Promise<unknown>) => void,
  ): void {
    const cache = this.open();
    if (!cache) return;
    const entry = new Response(copy.body, {
      headers: {
        "content-type": "application/json; charset=utf-8",
        "cache-control": `max-age=${SHARED_KEEP_S}`,
        etag: copy.etag,
        [CHECKED_AT]: String(copy.checkedAt),
        [VERSION]: String(copy.version),
      },
    });
    const work = cache.put(entryUrl(origin, key), entry).catch((err) => this.fail(err));
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

const entryUrl = (origin: string, key: string) =>
  `${origin}/__hub/location-copy/${encodeURIComponent(key)}`;
