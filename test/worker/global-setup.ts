import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
// Brings "vitest" into scope so the ProvidedContext augmentation below applies.
import type {} from "vitest";
import type { TestProject } from "vitest/node";

/**
 * Local upstreams for the hub's heartbeats, in Node on 127.0.0.1 (the Workers pool can
 * fetch it). Routes:
 * - `GET /status/:code` answers `code`;
 * - `GET /slow/:ms` answers 200 after `ms`;
 * - `GET /switch/:name/...` answers the status last set for `name` (200 at first);
 * - `PUT /__switch/:name/:code` sets it;
 * - `GET /__hits?prefix=/x` lists the paths requested so far that start with `/x`.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const switches = new Map<string, number>();
  const hits: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const parts = url.pathname.split("/").filter(Boolean);
    const reply = (status: number, body: unknown = { status }) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (parts[0] === "__switch" && req.method === "PUT") {
      switches.set(parts[1]!, Number(parts[2]));
      return reply(200);
    }
    if (parts[0] === "__hits") {
      const prefix = url.searchParams.get("prefix") ?? "/";
      return reply(
        200,
        hits.filter((h) => h.startsWith(prefix)),
      );
    }
    hits.push(url.pathname);
    if (parts[0] === "status") return reply(Number(parts[1]));
    if (parts[0] === "switch") return reply(switches.get(parts[1]!) ?? 200);
    if (parts[0] === "slow") {
      const timer = setTimeout(() => reply(200), Number(parts[1]));
      res.on("close", () => clearTimeout(timer));
      return;
    }
    reply(404);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  project.provide("upstreamPort", (server.address() as AddressInfo).port);
  return async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    upstreamPort: number;
  }
}
