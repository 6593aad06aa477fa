import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";

/** Where the runtimes reach the local upstreams. */
export interface RuntimeUpstreams {
  /** `http://127.0.0.1:<port>`: the live upstream server. */
  base: string;
  /** A port on 127.0.0.1 that refuses connections. */
  dead: string;
}

/** What {@link startUpstreamServer} serves besides the scenario routes. */
export interface StaticRoot {
  /** URL path prefix, e.g. `/pkg/`. */
  prefix: string;
  /** Directory it maps to. */
  dir: string;
}

/** A running upstream server; `close()` ends every connection and the listener. */
export interface UpstreamServer extends RuntimeUpstreams {
  close(): Promise<void>;
}

// Long enough that a hedge (20 ms) or a test timeout ends it first, short enough that a
// stray connection cannot outlive a test run for long.
const HELD_MS = 3_000;

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".json": "application/json",
};

/**
 * The upstream every runtime's scenario calls, on 127.0.0.1. Any path may be prefixed by
 * `/u/<name>` so one server can play several upstreams (`${base}/u/a`, `${base}/u/b`).
 *
 * - `GET /flaky?key=K`: 503 the first time for `K`, then 200;
 * - `GET /hedge?key=K`: the first request for `K` is held for 3 s (as a slow upstream), later
 *   ones answer at once;
 * - `GET /__state?key=K`: `{ hits, aborted }` for `K` (`aborted`: requests whose client hung
 *   up before the answer, e.g. a losing hedge);
 * - `GET /stall?key=K`: headers and a first chunk at once, then the body stalls for 3 s;
 * - `ANY /echo`: 200 `{ method, path, headers }`;
 * - `GET <prefix>…` for each static root (the built package, the scenario, a page);
 * - anything else: 200 `{ path }`.
 *
 * Every answer carries `access-control-allow-origin: *`, so a page on another origin may call it.
 *
 * @example
 * ```ts
 * const server = await startUpstreamServer([{ prefix: "/pkg/", dir: "dist" }]);
 * await fetch(`${server.base}/flaky?key=1`); // 503
 * await server.close();
 * ```
 */
export async function startUpstreamServer(roots: StaticRoot[] = []): Promise<UpstreamServer> {
  const keys = new Map<string, { hits: number; aborted: number }>();
  const held = new Set<NodeJS.Timeout>();

  /** Answers with `finish` after HELD_MS, counting the client hanging up before that. */
  function hold(res: ServerResponse, state: { aborted: number }, finish: () => void): void {
    const timer = setTimeout(() => {
      held.delete(timer);
      finish();
    }, HELD_MS);
    held.add(timer);
    res.on("close", () => {
      if (!res.writableEnded) state.aborted++;
      clearTimeout(timer);
      held.delete(timer);
    });
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = url.pathname.replace(/^\/u\/[^/]+/, "");
    const key = url.searchParams.get("key") ?? "";
    res.setHeader("access-control-allow-origin", "*");
    res.setHeader("access-control-allow-headers", "*");
    res.setHeader("cache-control", "no-store");
    if (req.method === "OPTIONS") return void res.writeHead(204).end();

    const state = keys.get(key) ?? { hits: 0, aborted: 0 };
    if (path === "/__state") return json(res, 200, keys.get(key) ?? { hits: 0, aborted: 0 });
    if (path === "/echo") return json(res, 200, { method: req.method, path, headers: req.headers });
    if (path === "/stall") {
      keys.set(key, state);
      state.hits++;
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("first ");
      return hold(res, state, () => res.end("last"));
    }
    if (path === "/flaky" || path === "/hedge") {
      keys.set(key, state);
      state.hits++;
      if (path === "/flaky" && state.hits === 1) return json(res, 503, { hit: state.hits });
      if (path === "/hedge" && state.hits === 1) {
        return hold(res, state, () => json(res, 200, { hit: 1 }));
      }
      return json(res, 200, { hit: state.hits });
    }
    const root = roots.find((r) => url.pathname.startsWith(r.prefix));
    if (root !== undefined) return void serveFile(res, root, url.pathname);
    json(res, 200, { path });
  });

  const port = await listen(server);
  const dead = await refusedPort();
  return {
    base: `http://127.0.0.1:${port}`,
    dead: `http://127.0.0.1:${dead}`,
    async close() {
      for (const timer of held) clearTimeout(timer);
      held.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

async function serveFile(res: ServerResponse, root: StaticRoot, pathname: string): Promise<void> {
  const file = normalize(join(root.dir, pathname.slice(root.prefix.length)));
  if (!file.startsWith(normalize(root.dir) + sep)) return json(res, 403, { error: "outside" });
  try {
    const body = await readFile(file);
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    res.end(body);
  } catch {
    json(res, 404, { error: "not found" });
  }
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

/** A port that was just free: connecting to it is refused (nothing listens there). */
async function refusedPort(): Promise<number> {
  const probe = createServer();
  const port = await listen(probe);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
