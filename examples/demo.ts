/**
 * `npm start`: a local demo of the whole system, in about 15 seconds, on 127.0.0.1 only.
 *
 * Three real upstream HTTP servers, the health hub Worker on an embedded local Durable Object
 * store (workerd via Miniflare), and a client calling the upstreams at a steady rate while
 * one upstream goes down and comes back. It prints what the client saw (retries, failovers,
 * breaker transitions, per-upstream figures) and what the hub decided (heartbeat verdicts,
 * its event log, availability). Everything it starts is stopped before it exits.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { printTable } from "../bench/table";
import { createClient } from "../src/index";
import type { HubEventsPage, HubReportBatch, HubSnapshot } from "../src/protocol";
import { startLocalHub } from "./hub-local";

const SERVICE = "payments";
const log = (message: string) =>
  console.log(`${((performance.now() - t0) / 1000).toFixed(1).padStart(5)}s  ${message}`);
const t0 = performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Upstream {
  name: string;
  server: Server;
  port: number;
  delayMs: number;
  up: boolean;
}

async function startUpstream(name: string, delayMs: number, port = 0): Promise<Upstream> {
  const upstream = { name, delayMs, up: true } as Upstream;
  upstream.server = createServer((req, res) => {
    setTimeout(() => res.end(JSON.stringify({ from: name, path: req.url })), upstream.delayMs);
  });
  await new Promise<void>((resolve) => upstream.server.listen(port, "127.0.0.1", resolve));
  upstream.port = (upstream.server.address() as AddressInfo).port;
  return upstream;
}

async function stopUpstream(upstream: Upstream): Promise<void> {
  upstream.up = false;
  upstream.server.closeAllConnections();
  await new Promise<void>((resolve) => upstream.server.close(() => resolve()));
}

const urlOf = (upstream: Upstream) => `http://127.0.0.1:${upstream.port}`;

const upstreams = [
  await startUpstream("a", 5),
  await startUpstream("b", 5),
  await startUpstream("c", 40),
];
log(`upstreams a, b, c on ${upstreams.map(urlOf).join(", ")} (c answers 8x slower)`);

const hub = await startLocalHub();
log(`health hub (workerd, local Durable Object store) on ${hub.url}`);
const admin = { authorization: `Bearer ${hub.tokens.admin}`, "content-type": "application/json" };
const configured = await fetch(`${hub.url}/v1/services/${SERVICE}/config`, {
  method: "PUT",
  headers: admin,
  body: JSON.stringify({
    upstreams: upstreams.map(urlOf),
    heartbeat: { interval: 1_000, timeout: 500, rise: 2, fall: 2 },
  }),
});
log(
  `hub config for "${SERVICE}": ${configured.status}; the hub now heartbeats every upstream each second`,
);

const client = createClient({
  upstreams: upstreams.map(urlOf),
  timeout: { attempt: 500, total: 2_000 },
  retry: { attempts: 3, backoff: { initial: 10, max: 100 } },
  breaker: { consecutiveFailures: 3, openFor: { initial: 2_000, max: 10_000 } },
});
const nameOf = (url: string) => upstreams.find((u) => urlOf(u) === url)?.name ?? url;
client.on("retry", (e) =>
  log(
    `retry: attempt ${e.attempt} after ${e.reason === "status" ? e.status : (e.error as Error).name} from ${nameOf(e.upstream ?? "")}`,
  ),
);
client.on("breaker", (e) =>
  log(`breaker ${nameOf(e.upstream)}: ${e.from} → ${e.to} (${e.reason})`),
);

let ok = 0;
let failed = 0;
const seen = new Map<string, number>();
async function traffic(ms: number, perSecond = 50): Promise<void> {
  const until = performance.now() + ms;
  const calls: Promise<void>[] = [];
  while (performance.now() < until) {
    calls.push(
      client.fetch("/v1/charges/42").then(
        async (res) => {
          const body = (await res.json()) as { from: string };
          seen.set(body.from, (seen.get(body.from) ?? 0) + 1);
          ok++;
        },
        () => {
          failed++;
        },
      ),
    );
    await sleep(1000 / perSecond);
  }
  await Promise.all(calls);
}

async function snapshot(): Promise<HubSnapshot> {
  const res = await fetch(`${hub.url}/v1/services/${SERVICE}/health`, {
    headers: { authorization: `Bearer ${hub.tokens.read}` },
  });
  return (await res.json()) as HubSnapshot;
}

async function reportToHub(): Promise<void> {
  // What the client observed, posted as one passive batch (the wire format in src/protocol.ts).
  const batch: HubReportBatch = {
    colo: "local",
    upstreams: client.stats().upstreams.map((u) => ({
      url: u.url,
      successes: u.successes,
      failures: u.failures,
      timeouts: 0,
      latency: {
        count: u.latency.count,
        sumMs: (u.ewmaMs ?? 0) * u.latency.count,
        maxMs: u.latency.p99 ?? 0,
      },
    })),
  };
  const res = await fetch(`${hub.url}/v1/services/${SERVICE}/reports`, {
    method: "POST",
    headers: { authorization: `Bearer ${hub.tokens.report}`, "content-type": "application/json" },
    body: JSON.stringify(batch),
  });
  log(`posted the client's passive report to the hub: ${res.status}`);
}

try {
  log("phase 1: steady traffic, all upstreams healthy (p2c sends little to slow c)");
  await traffic(2_500);
  log(
    `  calls ok ${ok}, failed ${failed}; served by ${[...seen].map(([k, v]) => `${k}=${v}`).join(" ")}`,
  );

  log("phase 2: upstream a goes down (connection refused)");
  const a = upstreams[0]!;
  await stopUpstream(a);
  seen.clear();
  await traffic(3_500);
  log(
    `  calls ok ${ok}, failed ${failed}; served by ${[...seen].map(([k, v]) => `${k}=${v}`).join(" ")}`,
  );
  log(`  hub verdict for a: ${(await snapshot()).upstreams[0]?.verdict}`);

  log("phase 3: upstream a comes back on the same port");
  upstreams[0] = await startUpstream("a", 5, a.port);
  seen.clear();
  await traffic(3_500);
  log(
    `  calls ok ${ok}, failed ${failed}; served by ${[...seen].map(([k, v]) => `${k}=${v}`).join(" ")}`,
  );
  await reportToHub();

  console.log("\nWhat the client saw (client.stats()):\n");
  printTable(
    [
      "upstream",
      "state",
      "requests",
      "failures",
      "p50 ms",
      "p99 ms",
      "outages",
      "MTTR ms",
      "availability",
    ],
    client
      .stats()
      .upstreams.map((u) => [
        nameOf(u.url),
        u.state,
        u.requests,
        u.failures,
        u.latency.p50?.toFixed(1) ?? "-",
        u.latency.p99?.toFixed(1) ?? "-",
        u.availability?.failures ?? 0,
        u.availability?.mttr?.toFixed(0) ?? "-",
        `${((u.availability?.availability ?? 1) * 100).toFixed(2)}%`,
      ]),
  );

  const health = await snapshot();
  console.log("\nWhat the hub decided (GET /v1/services/payments/health):\n");
  printTable(
    ["upstream", "verdict", "heartbeat", "last heartbeat", "outages", "MTTR ms", "availability"],
    health.upstreams.map((u) => [
      nameOf(u.url),
      u.verdict,
      u.heartbeat.verdict,
      u.heartbeat.last
        ? `${u.heartbeat.last.status ?? u.heartbeat.last.error} in ${u.heartbeat.last.latencyMs.toFixed(0)} ms`
        : "-",
      u.availability.failures,
      u.availability.mttrMs?.toFixed(0) ?? "-",
      u.availability.availability === null
        ? "-"
        : `${(u.availability.availability * 100).toFixed(2)}%`,
    ]),
  );

  const events = (await (
    await fetch(`${hub.url}/v1/services/${SERVICE}/events`, {
      headers: { authorization: `Bearer ${hub.tokens.read}` },
    })
  ).json()) as HubEventsPage;
  console.log("\nThe hub's event log (newest first):\n");
  for (const event of events.events.slice(0, 8)) {
    console.log(
      `  ${nameOf(event.upstream)} [${event.scope}] ${event.from} → ${event.to}: ${event.reason}`,
    );
  }
  console.log(`\n${ok} calls succeeded, ${failed} failed while upstream a was down for 3.5 s.`);
} finally {
  await client.close();
  await Promise.all(upstreams.filter((u) => u.up).map(stopUpstream));
  await hub.stop();
}
