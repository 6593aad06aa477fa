import { createClient, type FetchLike } from "../../../src/index";
import { ManualClock, seededRandom } from "../../../src/testing/index";

export interface SentAttempt {
  url: string;
  init: RequestInit | undefined;
  /** Resolve this attempt with a response. */
  respond(status?: number, headers?: HeadersInit, body?: string): void;
  /** Reject this attempt like a refused connection. */
  refuse(): void;
  aborted: boolean;
  abortReason: unknown;
}

/**
 * An in-memory transport that records every attempt and lets the test answer each one when
 * it chooses; honours `init.signal` like fetch (rejects with its reason).
 */
export function scriptedFetch(): { fetch: FetchLike; sent: SentAttempt[] } {
  const sent: SentAttempt[] = [];
  const fetch: FetchLike = (input, init) =>
    new Promise<Response>((resolve, reject) => {
      const attempt: SentAttempt = {
        url: String(input),
        init,
        aborted: false,
        abortReason: undefined,
        respond: (status = 200, headers, body = "ok") =>
          resolve(new Response(status === 204 ? null : body, { status, headers })),
        refuse: () => reject(new TypeError("fetch failed", { cause: new Error("ECONNREFUSED") })),
      };
      init?.signal?.addEventListener("abort", () => {
        attempt.aborted = true;
        attempt.abortReason = init.signal!.reason;
        reject(init.signal!.reason);
      });
      sent.push(attempt);
    });
  return { fetch, sent };
}

/**
 * A client over two scripted upstreams (`http://a.test`, `http://b.test`) on a manual clock,
 * taking turns (round robin) so tests know which upstream each attempt goes to.
 */
export function scriptedClient(options: Record<string, unknown> = {}) {
  const clock = new ManualClock(1_000_000);
  const { fetch, sent } = scriptedFetch();
  const client = createClient({
    upstreams: ["http://a.test", "http://b.test"],
    fetch,
    clock,
    random: seededRandom(1),
    balancer: "round-robin",
    ...options,
  });
  return { clock, sent, client };
}
