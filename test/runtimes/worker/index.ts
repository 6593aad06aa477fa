import * as lib from "resilient-fetch";
import { type Client, createClient } from "resilient-fetch";
import example from "../../../examples/worker";
import { runScenario, type ScenarioEnv } from "../scenario.js";

/**
 * The e2e Worker: the built package used from a Worker's `fetch` handler in workerd.
 * The test passes the local upstreams' URLs in `?env=` (their port is known only at run time).
 *
 * - `/scenario`: runs the scenario shared with Node, Deno, Bun and Chromium;
 * - `/sticky`: one call through a client kept in the isolate across requests;
 * - anything else: examples/worker.ts, with `UPSTREAMS` set to the live upstream.
 */
export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const env = JSON.parse(url.searchParams.get("env") ?? "null") as ScenarioEnv;
    if (url.pathname === "/scenario") return Response.json(await runScenario(lib, env));
    if (url.pathname === "/sticky") return Response.json(await stickyCall(env));
    url.searchParams.delete("env");
    return example.fetch(new Request(url, request), { UPSTREAMS: env.base });
  },
};

// Created by the first /sticky request; later requests reuse it, breaker and counters included.
let sticky: Client | undefined;
const transitions: Array<{ from: string; to: string; reason: string }> = [];

async function stickyCall(env: ScenarioEnv) {
  if (sticky === undefined) {
    sticky = createClient({
      upstreams: [env.dead],
      retry: false,
      breaker: { consecutiveFailures: 5, openFor: { initial: 5_000 } },
    });
    sticky.on("breaker", (event) => {
      transitions.push({ from: event.from, to: event.to, reason: event.reason });
    });
  }
  let error: string | undefined;
  try {
    await sticky.fetch("/sticky");
  } catch (caught) {
    error = (caught as Error).name;
  }
  return { error, requests: sticky.stats().upstreams[0]!.requests, transitions };
}
