/**
 * One run of the demo: starts everything (stack.ts), plays the scenario (player.ts) under
 * steady traffic (traffic.ts) while the live view refreshes every second, then stops
 * everything it started (also when `stop` aborts: Ctrl-C) and prints the summary.
 */
import { setMaxListeners } from "node:events";
import type { DemoOptions } from "./args";
import type { DemoCaller } from "./clients";
import { SERVICE } from "./hub";
import { renderFrame } from "./live-table";
import { gatherView } from "./live-view";
import { quietAfter } from "./outage";
import { playScenario } from "./player";
import { describeUpstream } from "./scenario";
import type { Screen } from "./screen";
import { type Stack, type StopStack, startStack } from "./stack";
import { story, storyFeed } from "./story";
import { renderSummary, type SummaryInput, summarize } from "./summary";
import { startTraffic } from "./traffic";

/** Story lines a terminal shows under the tables. */
const STORY_LINES = 6;

/**
 * Runs the demo to its end, or until `stop` aborts. Resolves once everything it started is
 * stopped; rejects only when it could not start (after stopping what had started).
 *
 * @example
 * ```ts
 * const { interrupted } = await runDemo({ durationMs: 20_000, rate: 20 }, signal, screen);
 * ```
 */
export async function runDemo(
  options: DemoOptions,
  stop: AbortSignal,
  screen: Screen,
): Promise<{ interrupted: boolean }> {
  // The scenario's clock starts with the traffic; until then every upstream is simply up.
  let t0 = Number.POSITIVE_INFINITY;
  const elapsed = () => Math.max(0, performance.now() - t0);
  let stopStack: StopStack = async () => {};
  try {
    screen.print(["Starting 4 upstreams and the health hub…"]);
    const stack = await startStack(elapsed, (stopper) => {
      stopStack = stopper;
    });
    if (stop.aborted) return { interrupted: true };
    screen.print([
      "Upstreams on 127.0.0.1:",
      ...stack.upstreams.list.map(
        (u) => `  ${u.name.padEnd(9)}  :${u.port}  ${describeUpstream(u.name)}`,
      ),
      `Hub: ${stack.hub.url}, service "${SERVICE}" (workerd, local Durable Object store).`,
      "",
    ]);
    await stack.monitor.poll(stop);

    t0 = performance.now();
    const startedAtEpoch = Date.now();
    const played = playScenario(stack.upstreams, options.durationMs, elapsed);
    // Every call listens on this signal: Ctrl-C cuts them short.
    const calls = new AbortController();
    setMaxListeners(0, calls.signal, stop);
    const traffic = startTraffic(stack.callers, options.rate, calls.signal);
    // The run's length: until Ctrl-C cuts calls short, or until the loop below ends.
    let elapsedMs: number | undefined;
    const interrupt = () => {
      elapsedMs ??= elapsed();
      calls.abort();
    };
    stop.addEventListener("abort", interrupt, { once: true });
    if (stop.aborted) interrupt();
    const feed = storyFeed(screen.live, STORY_LINES);
    const names = new Map(stack.upstreams.list.map((u) => [u.url, u.name]));
    const locations = [stack.aaa.record, stack.bbb.record];
    const frame = () => {
      const lines = story({
        phases: played.phases,
        callers: locations,
        hubEvents: stack.monitor.events,
        startedAtEpoch,
        names,
      });
      const view = gatherView({
        ...stack,
        elapsedMs: elapsed(),
        durationMs: options.durationMs,
        rate: options.rate,
        locations: { AAA: stack.aaa, BBB: stack.bbb },
        story: feed(lines),
      });
      screen.show(renderFrame(view, screen.paint));
    };

    while (!stop.aborted && elapsed() < options.durationMs) {
      await sleep(Math.min(1_000, options.durationMs - elapsed()), stop);
      await stack.monitor.poll(stop);
      frame();
    }
    stop.removeEventListener("abort", interrupt);
    const interrupted = stop.aborted;
    // At the end, calls in flight may finish (within their timeout).
    elapsedMs ??= elapsed();
    played.cancel();
    await traffic.stop();
    if (!interrupted) await stack.monitor.poll();
    frame();
    const summary = summarize({
      ...summaryCallers(stack),
      outage: played.outage,
      quietMs: quietAfter(options.rate, stack.upstreams.list.length),
      elapsedMs,
      rate: options.rate,
      interrupted,
      locations,
      hubEvents: stack.monitor.events,
      startedAtEpoch,
    });
    await stopStack();
    screen.print(["", ...renderSummary(summary), "", STOPPED]);
    return { interrupted };
  } finally {
    await stopStack();
  }
}

/** The last line: what was stopped. */
export const STOPPED =
  "Stopped: the 4 clients, the hub (workerd) and its temporary store, the 4 upstream servers.";

function summaryCallers(
  stack: Stack,
): Pick<SummaryInput, "callers" | "library" | "hedged" | "unhedged" | "control"> {
  // The library's own count of attempts sent (its stats), next to the demo's event counts.
  const sent = (caller: DemoCaller) =>
    caller.client?.stats().upstreams.reduce((n, u) => n + u.requests, 0) ??
    caller.record.attempts.length;
  return {
    callers: stack.callers.map((c) => ({ record: c.record, attemptsSent: sent(c) })),
    library: [stack.aaa.record, stack.bbb.record],
    hedged: stack.aaa.record,
    unhedged: stack.twin.record,
    control: stack.control.record,
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal.addEventListener("abort", done);
    if (signal.aborted) done();
  });
}
