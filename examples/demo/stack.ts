/**
 * Everything the demo starts, started in order and stopped in reverse: the upstream
 * servers, the hub (workerd), the four callers and the hub monitor. Stopping is idempotent
 * and also cleans up after a start that failed half-way, so nothing is ever left running.
 */
import { randomBytes } from "node:crypto";
import { stop as stopEsbuild } from "esbuild";
import type { LocalHub } from "../hub-local";
import { controlCaller, type DemoCaller, libraryCaller } from "./clients";
import { dashboardUrl, HubMonitor, SERVICE, startDemoHub } from "./hub";
import { type DemoUpstreams, HEALTH_PATH, startUpstreams } from "./upstreams";

/** The running demo's parts. */
export interface Stack {
  upstreams: DemoUpstreams;
  hub: LocalHub;
  /** The dashboard's address and the read token it asks for. */
  dashboard: string;
  readToken: string;
  aaa: DemoCaller;
  bbb: DemoCaller;
  /** AAA's twin without hedging. */
  twin: DemoCaller;
  control: DemoCaller;
  /** All four callers, in table order. */
  callers: DemoCaller[];
  monitor: HubMonitor;
}

/** Stops what {@link startStack} started; safe to call more than once. */
export type StopStack = () => Promise<void>;

/**
 * Starts the parts; `elapsed` is the run's clock (the upstreams act out the scenario on it).
 * `stop` gets the stopper at once, so a caller can stop a start that fails or is cancelled.
 *
 * @example
 * ```ts
 * let stopStack: StopStack = async () => {};
 * try {
 *   const stack = await startStack(elapsed, (stop) => (stopStack = stop));
 * } finally {
 *   await stopStack();
 * }
 * ```
 */
export async function startStack(
  elapsed: () => number,
  onStopper: (stop: StopStack) => void,
): Promise<Stack> {
  let upstreams: DemoUpstreams | undefined;
  let hub: LocalHub | undefined;
  const callers: DemoCaller[] = [];
  let stopping: Promise<void> | undefined;
  // Clients first (their last reports still reach the hub), then the hub, then the upstreams.
  onStopper(() => {
    stopping ??= (async () => {
      await Promise.allSettled(callers.map((c) => c.close()));
      await hub?.stop();
      await upstreams?.close();
    })();
    return stopping;
  });

  upstreams = await startUpstreams(elapsed);
  const urls = upstreams.list.map((u) => u.url);
  const readToken = `read-${randomBytes(4).toString("hex")}`;
  hub = await startDemoHub(urls, HEALTH_PATH, { read: readToken });
  // The bundler's service process did its job (the hub's bundle): do not keep it running.
  await stopEsbuild();
  const access = { url: hub.url, service: SERVICE, reportToken: hub.tokens.report, readToken };
  const library = (name: string, role: string, how: Parameters<typeof libraryCaller>[4]) => {
    const caller = libraryCaller(name, role, urls, access, how, elapsed);
    callers.push(caller);
    return caller;
  };
  const aaa = library("AAA", "library, hub, hedging", { colo: "AAA", hedge: true, report: true });
  const bbb = library("BBB", "library, hub, hedging", { colo: "BBB", hedge: true, report: true });
  const twin = library("AAA no-hedge", "AAA without hedging", {
    colo: "AAA",
    hedge: false,
    report: false,
  });
  const control = controlCaller(urls, elapsed);
  callers.push(control);
  return {
    upstreams,
    hub,
    dashboard: dashboardUrl(hub),
    readToken,
    aaa,
    bbb,
    twin,
    control,
    callers: [...callers],
    monitor: new HubMonitor(hub),
  };
}
