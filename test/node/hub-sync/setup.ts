import { afterEach } from "vitest";
import { type HubSyncEvent, type HubSyncOptions, hubSync } from "../../../src/hub/index";
import { type Client, createClient, type FetchLike } from "../../../src/index";
import { ManualClock, seededRandom } from "../../../src/testing/index";
import { type FakeHub, startFakeHub } from "../helpers/fake-hub";
import { until } from "../helpers/local-server";

export const A = "http://a.test";
export const B = "http://b.test";
export const C = "http://c.test";

/** How an in-memory upstream answers: a status, a refused connection, or never. */
export type Behaviour = number | "refuse" | "hang";

export interface SyncEnv {
  clock: ManualClock;
  hub: FakeHub;
  client: Client;
  events: HubSyncEvent[];
  /** Calls each upstream got (by base URL), counted by the transport. */
  calls: Record<string, number>;
  behaviour: Record<string, Behaviour>;
  /** Hub requests the client sent (through its hub `fetch`). */
  hubRequests(): number;
  /**
   * Waits (real time) until every hub request sent has been answered and handled by the
   * client, unless the fake hub is set to hang or be slow.
   */
  settle(): Promise<void>;
  /**
   * Moves the manual clock forward by `ms`, one timer at a time, settling hub I/O after each,
   * so no virtual timeout fires while a real request is on its way.
   */
  advance(ms: number): Promise<void>;
  /** Sends one GET and returns the upstream it went to (answered as `behaviour` says). */
  call(path?: string, init?: Parameters<Client["fetch"]>[1]): Promise<string>;
  close(): Promise<void>;
}

/**
 * A client with hubSync over in-memory upstreams `A`, `B`, `C` on a manual clock, talking to
 * a fake hub on 127.0.0.1 that knows the same three upstreams (all `up`).
 */
export async function syncEnv(
  sync: Partial<HubSyncOptions> = {},
  client: Record<string, unknown> = {},
): Promise<SyncEnv> {
  const clock = new ManualClock(1_000_000);
  const hub = await startFakeHub();
  hub.upstreams = [{ url: A }, { url: B }, { url: C }];
  const calls: Record<string, number> = { [A]: 0, [B]: 0, [C]: 0 };
  const behaviour: Record<string, Behaviour> = { [A]: 200, [B]: 200, [C]: 200 };
  const transport: FetchLike = async (input, init) => {
    const base = new URL(String(input)).origin;
    calls[base] = (calls[base] ?? 0) + 1;
    const answer = behaviour[base] ?? 200;
    if (answer === "refuse") {
      throw new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED") });
    }
    if (answer === "hang") {
      const signal = init?.signal;
      return new Promise<Response>((_resolve, reject) =>
        signal?.addEventListener("abort", () => reject(signal.reason)),
      );
    }
    return new Response("ok", { status: answer });
  };
  const events: HubSyncEvent[] = [];
  let sent = 0;
  const hubFetch: FetchLike = (input, init) => {
    sent++;
    return globalThis.fetch(input, init);
  };
  const answered = () =>
    events.filter((e) => e.type === "snapshot" || e.type === "report" || e.type === "unreachable")
      .length;
  const settle = async () => {
    if (hub.mode === "hang" || hub.mode === "slow") return clock.advanceAsync(0);
    await until(() => answered() >= sent);
    await clock.advanceAsync(0);
  };
  const created = createClient({
    upstreams: [A, B, C],
    fetch: transport,
    clock,
    random: seededRandom(3),
    retry: false,
    ...client,
    health: hubSync({
      hub: hub.url,
      service: "svc",
      token: "report-token",
      fetch: hubFetch,
      ...sync,
    }),
  });
  created.on("hub", (event) => events.push(event));
  return {
    clock,
    hub,
    client: created,
    events,
    calls,
    behaviour,
    hubRequests: () => sent,
    settle,
    async advance(ms) {
      const target = clock.now() + ms;
      await settle();
      for (let next = clock.nextTimerAt; next !== undefined && next <= target; ) {
        await clock.advanceAsync(next - clock.now());
        await settle();
        next = clock.nextTimerAt;
      }
      await clock.advanceAsync(target - clock.now());
      await settle();
    },
    async call(path = "/x", init) {
      const before = { ...calls };
      const pending = created.fetch(path, init).then(
        (response) => response.text(),
        // Refused or timed out: the upstream is still the one that was called.
        () => undefined,
      );
      let done = false;
      void pending.then(() => {
        done = true;
      });
      await clock.advanceAsync(0);
      // A hanging upstream answers once the attempt times out on the manual clock.
      while (!done && (await clock.runNextAsync())) {}
      await pending;
      return Object.keys(calls).find((base) => calls[base] !== before[base]) ?? "none";
    },
    async close() {
      // A first refresh still under way may hold close() up to the hub timeout (clock time).
      let closed = false;
      const closing = created.close().then(() => {
        closed = true;
      });
      await clock.advanceAsync(0);
      while (!closed && (await clock.runNextAsync())) {}
      await closing;
      await hub.close();
    },
  };
}

/** The hub events of one type. */
export function eventsOf<T extends HubSyncEvent["type"]>(
  events: readonly HubSyncEvent[],
  type: T,
): Extract<HubSyncEvent, { type: T }>[] {
  return events.filter((e): e is Extract<HubSyncEvent, { type: T }> => e.type === type);
}

/**
 * Environments for one test file, each closed after its test: `start()` a fresh one, or
 * `synced()` to also wait for its first snapshot.
 */
export function syncEnvs() {
  let current: SyncEnv | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  const start = async (...args: Parameters<typeof syncEnv>) => {
    current = await syncEnv(...args);
    return current;
  };
  return {
    start,
    async synced(...args: Parameters<typeof syncEnv>) {
      const env = await start(...args);
      await env.settle();
      return env;
    },
  };
}
