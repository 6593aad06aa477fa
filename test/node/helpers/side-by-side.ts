import { type Client, type ClientOptions, createClient } from "../../../src/index";
import { type LocalServer, type Route, startServer } from "./local-server";

/** How a call ended, in a form two calls can be compared by. */
export interface Outcome {
  status?: number;
  body?: string;
  url?: string;
  redirected?: boolean;
  /** The class of what it rejected with (`TypeError`, `DOMException AbortError`, …). */
  error?: string;
  message?: string;
  cause?: unknown;
}

/**
 * Runs `call` and describes how it ended: the response (status, body, url, redirected) or
 * the rejection (`TypeError`, `DOMException AbortError`, … and its message).
 */
export async function outcome(call: () => Promise<Response>): Promise<Outcome> {
  try {
    const res = await call();
    return { status: res.status, body: await res.text(), url: res.url, redirected: res.redirected };
  } catch (error) {
    return describeError(error);
  }
}

export function describeError(error: unknown): Outcome {
  if (error instanceof DOMException)
    return { error: `DOMException ${error.name}`, message: error.message };
  if (error instanceof Error) {
    return { error: error.constructor.name, message: error.message, cause: error.cause };
  }
  return { error: typeof error, message: String(error) };
}

/** One local server, a client over it, and how many requests each side made. */
export interface SideBySide {
  server: LocalServer;
  client: Client;
  /** Calls `fetch(server.url + path, init)`; returns the outcome and the requests the server saw. */
  fetch(path: string, init?: RequestInit): Promise<{ outcome: Outcome; requests: number }>;
  /** Calls `client.fetch(path, init)`; the same. */
  clientFetch(
    input: string | URL | Request,
    init?: RequestInit,
  ): Promise<{ outcome: Outcome; requests: number }>;
  close(): Promise<void>;
}

/**
 * Plain `fetch` and `client.fetch` against one real server on 127.0.0.1, so a test can hold
 * the client to what `fetch` does with the same input. The client has the library's defaults
 * (retries, breaker, outlier ejection, timeouts) unless `options` say otherwise.
 */
export async function sideBySide(
  route?: Route,
  options: Partial<ClientOptions> = {},
): Promise<SideBySide> {
  const server = await startServer(route);
  const client = createClient({ upstreams: [server.url], ...options });
  async function counted(call: () => Promise<Response>) {
    const before = server.requests.length;
    const result = await outcome(call);
    return { outcome: result, requests: server.requests.length - before };
  }
  return {
    server,
    client,
    fetch: (path, init) => counted(() => fetch(`${server.url}${path}`, init)),
    clientFetch: (input, init) => counted(() => client.fetch(input, init)),
    async close() {
      await client.close();
      await server.close();
    },
  };
}
