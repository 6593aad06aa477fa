/**
 * The demo's four upstream HTTP servers on 127.0.0.1, each acting out its part of
 * scenario.ts. The `outage` server really stops listening (connections are refused) and
 * listens again on the same port, so every client sees what a crashed process looks like.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { latencyMs, phaseAt, UPSTREAM_NAMES, type UpstreamName } from "./scenario";

/** The health path the hub and the clients' edge heartbeats probe. */
export const HEALTH_PATH = "/health";

/** One running upstream server. */
export interface DemoUpstream {
  name: UpstreamName;
  url: string;
  port: number;
  /** Whether it is listening now. */
  listening: boolean;
  /** Requests it received (health checks apart) and how it answered them. */
  served: { requests: number; ok: number; unavailable: number };
}

/** The four upstreams, with the switch the run uses for the outage. */
export interface DemoUpstreams {
  list: DemoUpstream[];
  byUrl(url: string): DemoUpstream | undefined;
  /** Stops or restarts listening (the outage). */
  setListening(name: UpstreamName, listening: boolean): Promise<void>;
  /** Closes every server and connection. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the four upstreams on free ports; their behaviour follows `elapsed()`, the time
 * since the run began.
 *
 * @example
 * ```ts
 * const t0 = performance.now();
 * const upstreams = await startUpstreams(() => performance.now() - t0);
 * await upstreams.close();
 * ```
 */
export async function startUpstreams(elapsed: () => number): Promise<DemoUpstreams> {
  const servers = new Map<UpstreamName, Server>();
  const list: DemoUpstream[] = [];
  try {
    for (const name of UPSTREAM_NAMES) {
      const upstream: DemoUpstream = {
        name,
        url: "",
        port: 0,
        listening: false,
        served: { requests: 0, ok: 0, unavailable: 0 },
      };
      const server = createServer((req, res) => answer(upstream, elapsed(), req, res));
      servers.set(name, server);
      list.push(upstream);
      await listen(server, 0);
      upstream.port = (server.address() as AddressInfo).port;
      upstream.url = `http://127.0.0.1:${upstream.port}`;
      upstream.listening = true;
    }
  } catch (error) {
    await Promise.all([...servers.values()].map(stop));
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    list,
    byUrl: (url) => list.find((u) => u.url === url),
    async setListening(name, listening) {
      const upstream = list.find((u) => u.name === name)!;
      const server = servers.get(name)!;
      if (closing || upstream.listening === listening) return;
      upstream.listening = listening;
      await (listening ? listen(server, upstream.port) : stop(server));
    },
    close() {
      closing ??= Promise.all([...servers.values()].map(stop)).then(() => {
        for (const upstream of list) upstream.listening = false;
      });
      return closing;
    },
  };
}

function answer(
  upstream: DemoUpstream,
  at: number,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const health = req.url === HEALTH_PATH;
  const phase = phaseAt(upstream.name, at);
  if (!health) upstream.served.requests++;
  // A load-shedding server answers at once; a working one takes its time.
  const delay = phase === "503" ? 1 : latencyMs(upstream.name, Math.random, health);
  const timer = setTimeout(() => {
    if (res.destroyed) return;
    if (phase === "503") {
      if (!health) upstream.served.unavailable++;
      res.writeHead(503, { "content-type": "application/json" });
      res.end('{"error":"overloaded"}');
      return;
    }
    if (!health) upstream.served.ok++;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ from: upstream.name, path: req.url }));
  }, delay);
  // A caller that gives up (timeout, lost hedge) closes the connection: stop working for it.
  res.on("close", () => clearTimeout(timer));
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
}

function stop(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
