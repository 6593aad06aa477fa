import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach } from "vitest";

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export type Route = (req: ReceivedRequest, res: ServerResponse) => unknown;

export interface LocalServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  requests: ReceivedRequest[];
  /** Requests whose connection closed before the server answered. */
  abandoned: number;
  /** Replace how the server answers. */
  route: Route;
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 with a programmable route, for tests. It records every
 * request (with its body) and counts requests whose client went away before the answer.
 */
export async function startServer(
  route: Route = (_req, res) => res.end("ok"),
): Promise<LocalServer> {
  const sockets = new Set<Socket>();
  const state: LocalServer = {
    url: "",
    requests: [],
    abandoned: 0,
    route,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const received: ReceivedRequest = {
      method: req.method ?? "GET",
      url: req.url ?? "/",
      headers: req.headers,
      body: Buffer.concat(chunks).toString("utf8"),
    };
    state.requests.push(received);
    res.on("close", () => {
      if (!res.writableFinished) state.abandoned++;
    });
    await state.route(received, res);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

/** A loopback URL on which nothing listens: connecting is refused. */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** Waits (in real time, briefly) until `condition` holds: for I/O the manual clock cannot drive. */
export async function until(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/**
 * `start` for one test file: whatever it starts is closed after each test.
 *
 * @example
 * ```ts
 * const server = closedAfterEach(startServer);
 * it("…", async () => { const a = await server((_req, res) => res.end("a")); });
 * ```
 */
export function closedAfterEach<A extends unknown[], T extends { close(): Promise<void> }>(
  start: (...args: A) => Promise<T>,
): (...args: A) => Promise<T> {
  const started: T[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((item) => item.close()));
  });
  return async (...args) => {
    const item = await start(...args);
    started.push(item);
    return item;
  };
}
