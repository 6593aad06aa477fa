/**
 * The demo's health hub: the hub Worker in workerd with a local Durable Object store
 * (`startLocalHub()`), configured for the demo's service, and a monitor that reads its
 * verdicts and event log once a second, as the dashboard does.
 */
import type { HubEvent, HubEventsPage, HubSnapshot } from "../../src/protocol";
import { type LocalHub, type LocalHubTokens, startLocalHub } from "../hub-local";

/** The service the demo's clients share at the hub. */
export const SERVICE = "demo";

/** The hub's heartbeats: every second, down after 2 failures, up after 2 successes. */
export const HEARTBEAT = { interval: 1_000, timeout: 500, rise: 2, fall: 2 } as const;

/**
 * Starts the hub and configures the service with the upstreams (probed at `healthPath`).
 *
 * Miniflare adds SIGINT/SIGTERM listeners that kill workerd and exit the process at once,
 * which would end the demo before it stops in order and prints its summary. They are
 * removed here; the demo's own handlers stop the hub (its `exit` hook stays as a backstop).
 *
 * @example
 * ```ts
 * const hub = await startDemoHub(["http://127.0.0.1:9001"], "/health", { read: "read-demo" });
 * await hub.stop();
 * ```
 */
export async function startDemoHub(
  upstreams: string[],
  healthPath: string,
  tokens: Partial<LocalHubTokens> = {},
): Promise<LocalHub> {
  const before = new Set([...process.listeners("SIGINT"), ...process.listeners("SIGTERM")]);
  const hub = await startLocalHub({ tokens });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    for (const listener of process.listeners(signal)) {
      if (!before.has(listener)) process.off(signal, listener);
    }
  }
  try {
    const res = await fetch(`${hub.url}/v1/services/${SERVICE}/config`, {
      method: "PUT",
      headers: { authorization: `Bearer ${hub.tokens.admin}`, "content-type": "application/json" },
      body: JSON.stringify({
        upstreams: upstreams.map((url) => ({ url, healthPath })),
        heartbeat: HEARTBEAT,
      }),
    });
    if (!res.ok)
      throw new Error(`the hub refused the demo's config: ${res.status} ${await res.text()}`);
  } catch (error) {
    await hub.stop();
    throw error;
  }
  return hub;
}

/**
 * The dashboard's address for the demo's service.
 *
 * @example
 * ```ts
 * dashboardUrl(hub); // "http://127.0.0.1:40123/dashboard?service=demo"
 * ```
 */
export function dashboardUrl(hub: LocalHub): string {
  return `${hub.url}/dashboard?service=${SERVICE}`;
}

/**
 * Reads the hub's snapshot and, when it changed, its new events. Keeps the latest snapshot
 * and every event seen, so the summary still has them if the hub is gone at the end (Ctrl-C
 * in a terminal reaches workerd too).
 *
 * @example
 * ```ts
 * const monitor = new HubMonitor(hub);
 * await monitor.poll();
 * monitor.snapshot?.upstreams[0]?.verdict;
 * ```
 */
export class HubMonitor {
  snapshot: HubSnapshot | undefined;
  /** Events by id, oldest first. */
  readonly events: HubEvent[] = [];
  /** The last failure to read the hub, if the last poll failed. */
  error: string | undefined;
  readonly #hub: LocalHub;
  #etag: string | null = null;
  #lastEventId = 0;

  constructor(hub: LocalHub) {
    this.#hub = hub;
  }

  async poll(signal?: AbortSignal): Promise<void> {
    try {
      const headers: Record<string, string> = { authorization: `Bearer ${this.#hub.tokens.read}` };
      if (this.#etag) headers["if-none-match"] = this.#etag;
      const res = await this.#get("health", headers, signal);
      if (res.status !== 304) {
        if (!res.ok) throw new Error(`health: ${res.status}`);
        this.snapshot = (await res.json()) as HubSnapshot;
        this.#etag = res.headers.get("etag");
        await this.#readEvents(signal);
      }
      this.error = undefined;
    } catch (error) {
      // Stopping cut the read short: that says nothing about the hub.
      if (!signal?.aborted) this.error = error instanceof Error ? error.message : String(error);
    }
  }

  /** Events newer than the last seen, paging back until it is reached. */
  async #readEvents(signal?: AbortSignal): Promise<void> {
    const fresh: HubEvent[] = [];
    let before: number | null = null;
    do {
      const query: string = `events?limit=100${before === null ? "" : `&before=${before}`}`;
      const res = await this.#get(
        query,
        { authorization: `Bearer ${this.#hub.tokens.read}` },
        signal,
      );
      if (!res.ok) throw new Error(`events: ${res.status}`);
      const page = (await res.json()) as HubEventsPage;
      const newer = page.events.filter((e) => e.id > this.#lastEventId);
      fresh.push(...newer);
      before = newer.length === page.events.length ? page.next : null;
    } while (before !== null);
    fresh.sort((a, b) => a.id - b.id);
    this.events.push(...fresh);
    if (fresh.length > 0) this.#lastEventId = fresh[fresh.length - 1]!.id;
  }

  #get(path: string, headers: Record<string, string>, signal?: AbortSignal): Promise<Response> {
    const timeout = AbortSignal.timeout(2_000);
    return fetch(`${this.#hub.url}/v1/services/${SERVICE}/${path}`, {
      headers,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  }
}
