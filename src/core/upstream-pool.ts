import type { ResolvedTarget } from "./create-call";
import { parseUpstreams, type Upstream, type UpstreamInput } from "./upstream";

/**
 * The configured upstreams. Replacing the list keeps the live state (in-flight counts,
 * latency, breaker) of every upstream that stays, matched by base URL.
 *
 * @example
 * ```ts
 * const pool = new UpstreamPool(["https://a.internal", "https://b.internal"]);
 * pool.resolveTarget("/v1/users"); // → { target: "/v1/users", pinned: undefined }
 * pool.set(["https://b.internal", "https://c.internal"]); // b keeps its state
 * ```
 */
export class UpstreamPool {
  /** The current list; replaced (never mutated) by {@link set}, so a pick in progress sees one list. */
  list: readonly Upstream[];
  #listener: ((added: Upstream[], removed: Upstream[]) => void) | undefined;

  constructor(inputs: readonly UpstreamInput[]) {
    this.list = parseUpstreams(inputs);
  }

  /** Replaces the upstream list; throws (and changes nothing) when the new list is invalid. */
  set(inputs: readonly UpstreamInput[]): void {
    const fresh = parseUpstreams(inputs);
    const byBase = new Map(this.list.map((upstream) => [upstream.base, upstream]));
    const added: Upstream[] = [];
    const next = fresh.map((upstream) => {
      const existing = byBase.get(upstream.base);
      if (existing === undefined) {
        added.push(upstream);
        return upstream;
      }
      byBase.delete(upstream.base);
      existing.configuredWeight = upstream.configuredWeight;
      return existing;
    });
    this.list = next;
    const removed = [...byBase.values()];
    this.#listener?.(added, removed);
  }

  /** Sets what is called after every {@link set} with the upstreams added and removed (the fleet). */
  onChange(listener: (added: Upstream[], removed: Upstream[]) => void): void {
    this.#listener = listener;
  }

  /**
   * Turns an input URL into a target path: a relative URL as it is (with a leading `/`), an
   * absolute URL only when it lies under a configured upstream, which the first attempt is
   * then pinned to. Any other absolute URL (any scheme: `data:`, `blob:`, `about:`…) is a
   * `TypeError`: the client never calls anything but its upstreams.
   */
  resolveTarget(url: string): ResolvedTarget {
    // A path, unless it is a network-path reference (`//host/x`), which would leave the upstreams.
    if (!SCHEME.test(url) && !url.startsWith("//")) {
      return { target: url.startsWith("/") ? url : `/${url}`, pinned: undefined };
    }
    const resolved = this.#match(url) ?? this.#match(normalise(url));
    if (resolved === undefined) {
      throw new TypeError(
        `${url} is not under a configured upstream; pass a path such as "/v1/items" or a URL under one of the upstreams`,
      );
    }
    return resolved;
  }

  #match(url: string): ResolvedTarget | undefined {
    for (const upstream of this.list) {
      // Under the base: the base itself, or a path, query or fragment of it.
      const rest = url.slice(upstream.base.length);
      if (url.startsWith(upstream.base) && /^([/?#]|$)/.test(rest)) {
        return { target: rest || "/", pinned: upstream };
      }
    }
    return undefined;
  }
}

// An absolute URL starts with a scheme (`https:`, `data:`, `about:`…); a path may carry
// `://` in its query (`v1/go?to=http://x`).
const SCHEME = /^[a-z][a-z\d+.-]*:/i;

// `HTTPS://A.internal:443/x` names the same upstream as `https://a.internal/x`.
function normalise(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}
