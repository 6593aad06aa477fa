/**
 * The demo's four callers, all on the same traffic:
 *
 * - `AAA` and `BBB`: the library in two locations, with hub sync, p2c, retries, hedging and
 *   breakers;
 * - `AAA no-hedge`: AAA's twin with hedging off, for "p99 with vs without hedging" in the same
 *   run. It reads the hub as location AAA (so it knows what AAA knows) but holds a read token:
 *   it reports nothing, so the hub's picture is the same as without it;
 * - `control`: what many services do without such a library: plain `fetch` with a timeout,
 *   round robin over the upstreams, no retries.
 */

import { hubSync } from "../../src/hub/index";
import { type Client, type ClientOptions, createClient } from "../../src/index";
import { attemptOutcome, CallerRecord } from "./recorder";

/** Per-attempt and per-call time limits, ms; the control's timeout is the same per call. */
export const TIMEOUT = { attempt: 1_000, total: 3_000 } as const;

/** One caller: its record, and how to make one call. */
export interface DemoCaller {
  readonly record: CallerRecord;
  /** The library client, for its stats (not for the control). */
  readonly client: Client | undefined;
  /** Makes one call; never rejects (the outcome goes to the record). */
  call(path: string, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** Where the hub is, for the library callers. */
export interface HubAccess {
  url: string;
  service: string;
  reportToken: string;
  readToken: string;
}

/**
 * The library's options in the demo. Hedging after the target upstream's p90 (at most one
 * extra attempt, at most 10% extra requests); breakers that reopen after 2 s, doubling up to
 * 10 s, so a recovered upstream is probed again within 10 s.
 *
 * @example
 * ```ts
 * createClient(libraryOptions(urls, true));
 * ```
 */
export function libraryOptions(upstreams: string[], hedge: boolean): ClientOptions {
  return {
    upstreams,
    balancer: "p2c",
    timeout: TIMEOUT,
    retry: { attempts: 3 },
    hedge: hedge ? { delay: { percentile: 0.9 }, max: 1, budget: 0.1 } : false,
    breaker: { openFor: { initial: 2_000, max: 10_000 } },
  };
}

/**
 * A library caller in location `colo`, synced with the hub.
 *
 * @example
 * ```ts
 * const aaa = libraryCaller("AAA", "library, hedging", urls, hub, { hedge: true, report: true }, elapsed);
 * ```
 */
export function libraryCaller(
  name: string,
  role: string,
  upstreams: string[],
  hub: HubAccess,
  how: { colo: string; hedge: boolean; report: boolean },
  elapsed: () => number,
): DemoCaller {
  const record = new CallerRecord(name, role);
  const client = createClient({
    ...libraryOptions(upstreams, how.hedge),
    health: hubSync({
      hub: hub.url,
      service: hub.service,
      token: how.report ? hub.reportToken : hub.readToken,
      colo: how.colo,
    }),
  });
  client.on("attempt", (e) =>
    record.attempt({
      at: elapsed(),
      upstream: e.upstream,
      ms: e.durationMs,
      outcome: attemptOutcome(e.status, e.error),
    }),
  );
  client.on("retry", () => record.retries++);
  client.on("hedge", () => record.hedges++);
  client.on("breaker", (e) => record.breaker(elapsed(), e.upstream, e.from, e.to));
  client.on("hub", (e) => {
    if (e.type === "snapshot") record.excluded(elapsed(), e.excluded, upstreams);
  });
  return {
    record,
    client,
    async call(path, signal) {
      record.calls++;
      const started = performance.now();
      try {
        const res = await client.fetch(path, { signal });
        await res.arrayBuffer();
        record.callEnded(res.ok ? "ok" : "error", performance.now() - started);
      } catch {
        record.callEnded(signal.aborted ? "cancelled" : "error", performance.now() - started);
      }
    },
    close: () => client.close(),
  };
}

/**
 * The control: plain `fetch` with a timeout of `TIMEOUT.total`, round robin, no retries.
 *
 * @example
 * ```ts
 * const control = controlCaller(urls, elapsed);
 * await control.call("/v1/items/1", signal);
 * ```
 */
export function controlCaller(upstreams: string[], elapsed: () => number): DemoCaller {
  const record = new CallerRecord("control", "fetch, round robin");
  let next = 0;
  return {
    record,
    client: undefined,
    async call(path, signal) {
      record.calls++;
      const upstream = upstreams[next++ % upstreams.length]!;
      const started = performance.now();
      let status: number | undefined;
      let error: unknown;
      try {
        const res = await fetch(upstream + path, {
          signal: AbortSignal.any([signal, AbortSignal.timeout(TIMEOUT.total)]),
        });
        status = res.status;
        await res.arrayBuffer();
      } catch (caught) {
        error = caught;
      }
      const ms = performance.now() - started;
      const stopped = signal.aborted && status === undefined;
      record.attempt({
        at: elapsed(),
        upstream,
        ms,
        outcome: stopped ? "cancelled" : attemptOutcome(status, error),
      });
      const ok = status !== undefined && status < 400 && error === undefined;
      record.callEnded(stopped ? "cancelled" : ok ? "ok" : "error", ms);
    },
    close: async () => {},
  };
}
