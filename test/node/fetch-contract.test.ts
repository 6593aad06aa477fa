import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { createClient, isResilientError, type NetworkError } from "../../src/index";
import {
  closedAfterEach,
  type ReceivedRequest,
  refusedUrl,
  startServer,
} from "./helpers/local-server";
import { describeError, sideBySide } from "./helpers/side-by-side";

// Every test here calls plain `fetch` and `client.fetch` with the same input against the same
// local server and holds the client to what fetch did (issue 17). The client keeps the
// library's defaults: 3 attempts, breaker, outlier ejection, timeouts.

const setup = closedAfterEach(sideBySide);
const server = closedAfterEach(startServer);

function echo(req: ReceivedRequest, res: ServerResponse): void {
  res.setHeader("content-type", "application/json");
  res.end(
    JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: req.body }),
  );
}

function redirects(req: ReceivedRequest, res: ServerResponse): void {
  if (req.url.startsWith("/loop")) return void res.writeHead(302, { location: "/loop" }).end();
  if (req.url.startsWith("/moved")) return void res.writeHead(302, { location: "/ok" }).end();
  res.end("ok");
}

/** Headers the server saw, without those that name the connection. */
function sentHeaders(body: string): Record<string, string> {
  const { headers } = JSON.parse(body) as { headers: Record<string, string> };
  const { host: _host, connection: _connection, ...rest } = headers;
  return rest;
}

function streamOf(text: string): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
      controller.close();
    },
  });
}

// Each builds a fresh init: a stream body can be sent only once.
const BAD_INPUT: Array<[string, () => RequestInit]> = [
  ["an unknown redirect mode", () => ({ redirect: "bogus" as RequestRedirect })],
  ["an invalid header name", () => ({ headers: { "bad name": "x" } })],
  ["an invalid method", () => ({ method: "bad method" })],
  ["a forbidden method", () => ({ method: "CONNECT" })],
  ["a GET with a body", () => ({ body: "x" })],
  ["a stream body without duplex", () => ({ method: "POST", body: streamOf("x") })],
  [
    "a PUT stream body without duplex (a retryable call)",
    () => ({ method: "PUT", body: streamOf("x") }),
  ],
  ["a signal that is not an AbortSignal", () => ({ signal: {} as AbortSignal })],
  ["a window other than null", () => ({ window: {} }) as unknown as RequestInit],
  ["the navigate mode", () => ({ mode: "navigate" })],
  ["only-if-cached outside same-origin mode", () => ({ cache: "only-if-cached" })],
];

describe("a caller's own mistake never counts against an upstream", () => {
  for (const [what, init] of BAD_INPUT) {
    it(`rejects ${what} as fetch does, at once, without touching the upstream`, async () => {
      const pair = await setup(echo);
      const seen: string[] = [];
      for (const name of ["attempt", "retry", "hedge", "breaker", "eject", "giveup"] as const) {
        pair.client.on(name, () => seen.push(name));
      }
      const plain = await pair.fetch("/x", init());
      const ours = await pair.clientFetch("/x", init());
      expect(plain.outcome).toMatchObject({ error: "TypeError" });
      expect(ours.outcome.error).toBe("TypeError");
      if (!/signal/.test((plain.outcome as { message: string }).message)) {
        // The very error fetch threw; only a bad signal is caught before fetch is called.
        expect(ours.outcome).toEqual(plain.outcome);
      } else {
        expect((ours.outcome as { message: string }).message).toMatch(/signal/);
      }
      expect([plain.requests, ours.requests]).toEqual([0, 0]);
      expect(seen).toEqual([]);
      const [stats] = pair.client.stats().upstreams;
      expect(stats).toMatchObject({ state: "up", requests: 0, failures: 0, inFlight: 0 });
    });
  }

  it("still answers a valid call after many bad ones (the breaker never opened)", async () => {
    const pair = await setup(echo);
    for (let i = 0; i < 3; i++) {
      for (const [, init] of BAD_INPUT) {
        await expect(pair.client.fetch("/x", init())).rejects.toBeInstanceOf(TypeError);
      }
    }
    const res = await pair.client.fetch("/ok");
    expect(res.status).toBe(200);
    expect(pair.server.requests.map((r) => r.url)).toEqual(["/ok"]);
    expect(pair.client.stats().upstreams[0]).toMatchObject({ requests: 1, failures: 0 });
  });

  it("sends redirect: 'error' once, like fetch, and rejects with fetch's TypeError", async () => {
    const pair = await setup(redirects);
    const plain = await pair.fetch("/moved", { redirect: "error" });
    const ours = await pair.clientFetch("/moved", { redirect: "error" });
    expect(plain.outcome).toMatchObject({ error: "TypeError" });
    expect(ours.outcome).toEqual(plain.outcome);
    expect([plain.requests, ours.requests]).toEqual([1, 1]);
    expect(pair.client.stats().upstreams[0]).toMatchObject({ state: "up", failures: 0 });
  });

  it("follows a redirect loop once, like fetch, instead of retrying it", async () => {
    const pair = await setup(redirects);
    const plain = await pair.fetch("/loop");
    const ours = await pair.clientFetch("/loop");
    expect(plain.outcome).toMatchObject({ error: "TypeError" });
    expect(ours.outcome).toEqual(plain.outcome);
    expect(plain.requests).toBe(21);
    expect(ours.requests).toBe(21);
    expect(pair.client.stats().upstreams[0]).toMatchObject({ failures: 0 });
  });

  it("does not retry an integrity mismatch", async () => {
    const pair = await setup();
    const init = { integrity: "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" };
    const plain = await pair.fetch("/x", init);
    const ours = await pair.clientFetch("/x", init);
    expect(plain.outcome).toMatchObject({ error: "TypeError" });
    expect(ours.outcome).toEqual(plain.outcome);
    expect([plain.requests, ours.requests]).toEqual([1, 1]);
  });

  it("counts a refused connection against the upstream and retries it (not the caller's doing)", async () => {
    const down = await refusedUrl();
    const client = createClient({ upstreams: [down], retry: { backoff: { initial: 1 } } });
    const error = await client.fetch("/").catch((e: unknown) => e);
    expect(isResilientError(error, "NetworkError")).toBe(true);
    expect((error as NetworkError).attempts).toBe(3);
    expect(client.stats().upstreams[0]!.failures).toBe(3);
    await client.close();
  });
});

describe("URLs", () => {
  for (const url of ["data:,hello", "blob:http://127.0.0.1/0b7e3f8c", "about:blank"]) {
    it(`refuses ${url.slice(0, 5)} URLs with a TypeError instead of sending them upstream`, async () => {
      const pair = await setup(echo);
      const ours = await pair.clientFetch(url);
      expect(ours.outcome).toMatchObject({
        error: "TypeError",
        message: expect.stringMatching(/not under a configured upstream/),
      });
      expect(ours.requests).toBe(0);
    });
  }

  it("takes a relative path with :// in its query as a path", async () => {
    const pair = await setup(echo);
    const target = "v1/go?to=http://x.test/";
    const ours = await pair.clientFetch(target);
    const plain = await pair.fetch(`/${target}`);
    expect(ours.outcome).toEqual(plain.outcome);
    expect(JSON.parse((ours.outcome as { body: string }).body).url).toBe(`/${target}`);
  });

  it("stringifies an object input as fetch does", async () => {
    const pair = await setup(echo);
    const input = { toString: () => `${pair.server.url}/s` } as unknown as string;
    const plain = await fetch(input);
    expect(plain.status).toBe(200);
    const ours = await pair.clientFetch(input);
    expect(ours.outcome).toMatchObject({ status: 200, body: await plain.text() });
  });

  it("rejects a missing input with a TypeError, as fetch does", async () => {
    const pair = await setup(echo);
    const plain = describeError(await fetch(undefined as never).catch((e: unknown) => e));
    const ours = await pair.clientFetch(undefined as never);
    expect(plain.error).toBe("TypeError");
    expect(ours.outcome).toMatchObject({ error: "TypeError" });
    expect(ours.requests).toBe(0);
  });

  it("reports the same url and redirected as fetch after following a redirect", async () => {
    const pair = await setup(redirects);
    const plain = await pair.fetch("/moved");
    const ours = await pair.clientFetch("/moved");
    expect(ours.outcome).toEqual(plain.outcome);
    expect(ours.outcome).toMatchObject({ redirected: true, url: `${pair.server.url}/ok` });
  });
});

describe("a Request's fields", () => {
  it("keeps cache, referrer and referrerPolicy: the server sees the same headers", async () => {
    const pair = await setup(echo);
    const fields: RequestInit = {
      cache: "no-store",
      referrer: "http://127.0.0.1/from",
      referrerPolicy: "unsafe-url",
    };
    const plain = await pair.fetch("/r", fields);
    const ours = await pair.clientFetch(new Request(`${pair.server.url}/r`, fields));
    const plainHeaders = sentHeaders((plain.outcome as { body: string }).body);
    expect(plainHeaders).toMatchObject({ "cache-control": "no-cache", referer: fields.referrer });
    expect(sentHeaders((ours.outcome as { body: string }).body)).toEqual(plainHeaders);
  });

  it("keeps integrity: a wrong hash rejects as with fetch", async () => {
    const pair = await setup();
    const request = () =>
      new Request(`${pair.server.url}/i`, {
        integrity: "sha256-wrongwrongwrongwrongwrongwrongwrongwrongwr=",
      });
    const plain = describeError(await fetch(request()).catch((e: unknown) => e));
    const ours = await pair.clientFetch(request());
    expect(plain.error).toBe("TypeError");
    expect(ours.outcome).toEqual(plain);
    expect(ours.requests).toBe(1);
  });

  it("hands every field the Request has to the transport", async () => {
    const { url } = await server(echo);
    const seen: RequestInit[] = [];
    const client = createClient({
      upstreams: [url],
      fetch: (url, init) => {
        seen.push({ ...init });
        return fetch(url, init);
      },
    });
    const request = new Request(`${url}/r`, {
      cache: "no-store",
      credentials: "omit",
      integrity: "",
      keepalive: true,
      mode: "same-origin",
      redirect: "manual",
      referrer: "",
      referrerPolicy: "no-referrer",
    });
    await (await client.fetch(request)).text();
    await (await client.fetch(new Request(`${url}/p`, { method: "POST", body: "b" }))).text();
    expect(seen[0]).toMatchObject({
      cache: "no-store",
      credentials: "omit",
      keepalive: true,
      mode: "same-origin",
      redirect: "manual",
      referrer: "",
      referrerPolicy: "no-referrer",
    });
    expect(seen[0]!.signal).toBeInstanceOf(AbortSignal);
    expect(seen[1]).toMatchObject({ method: "POST", duplex: "half" });
    expect(seen[1]!.body).toBeInstanceOf(ReadableStream);
    await client.close();
  });

  it("rejects a Request whose body was already read, as fetch does, sending nothing", async () => {
    const pair = await setup(echo);
    const used = async () => {
      const request = new Request(`${pair.server.url}/u`, { method: "POST", body: "x" });
      await request.text();
      return request;
    };
    const plain = describeError(await fetch(await used()).catch((e: unknown) => e));
    const ours = await pair.clientFetch(await used());
    expect(plain.error).toBe("TypeError");
    expect(ours.outcome).toMatchObject({ error: "TypeError" });
    expect(ours.requests).toBe(0);
  });

  it("takes a Request of another realm or library by its shape", async () => {
    const pair = await setup(echo);
    const native = new Request(`${pair.server.url}/shape`, {
      method: "PUT",
      headers: { "x-kept": "1" },
    });
    // What a Request from undici's package or another realm looks like from here.
    const foreign = {
      url: native.url,
      method: native.method,
      headers: native.headers,
      redirect: native.redirect,
      body: null,
      bodyUsed: false,
    };
    const ours = await pair.clientFetch(foreign as unknown as Request);
    expect(JSON.parse(ours.outcome.body!)).toMatchObject({
      method: "PUT",
      url: "/shape",
      headers: { "x-kept": "1" },
    });
  });

  it("ignores init members set to undefined, as fetch does", async () => {
    const pair = await setup(echo);
    const post = () =>
      new Request(`${pair.server.url}/p`, {
        method: "POST",
        headers: { "x-kept": "yes" },
        body: "payload",
      });
    const init = { method: undefined, headers: undefined, body: undefined };
    await (await fetch(post(), init)).text();
    const sent = pair.server.requests.at(-1)!;
    const ours = await pair.clientFetch(post(), init);
    const received = pair.server.requests.at(-1)!;
    expect([received.method, received.headers["x-kept"], received.body]).toEqual([
      sent.method,
      sent.headers["x-kept"],
      sent.body,
    ]);
    expect([received.method, received.body]).toEqual(["POST", "payload"]);
    expect(ours.outcome).toMatchObject({ status: 200 });
  });

  it("keeps the Request's signal when init.signal is undefined", async () => {
    const pair = await setup(() => {}); // never answers
    const controller = new AbortController();
    const request = new Request(`${pair.server.url}/slow`, { signal: controller.signal });
    const pending = pair.clientFetch(request, { signal: undefined });
    setTimeout(() => controller.abort(new Error("stop")), 20);
    const ours = await pending;
    expect(ours.outcome).toMatchObject({ error: "Error", message: "stop" });
  });
});

describe("signals", () => {
  it("rejects an already-aborted signal without a reason with an AbortError, as fetch does", async () => {
    const pair = await setup(echo);
    const controller = new AbortController();
    controller.abort();
    // What a polyfilled AbortController leaves: aborted, but no reason.
    Object.defineProperty(controller.signal, "reason", { value: undefined });
    const plain = await pair.fetch("/x", { signal: controller.signal });
    const ours = await pair.clientFetch("/x", { signal: controller.signal });
    expect(plain.outcome).toMatchObject({ error: "DOMException AbortError" });
    expect(ours.outcome).toMatchObject({ error: "DOMException AbortError" });
    expect([plain.requests, ours.requests]).toEqual([0, 0]);
  });

  it("cancels a stream body when the signal is already aborted, as fetch does", async () => {
    const pair = await setup(echo);
    const cancelled: unknown[] = [];
    const body = () =>
      new ReadableStream({
        cancel(reason) {
          cancelled.push(reason);
        },
      });
    const reason = new Error("gone");
    const init = () => ({
      method: "POST",
      body: body(),
      duplex: "half",
      signal: AbortSignal.abort(reason),
    });
    const plain = await pair.fetch("/x", init() as RequestInit);
    const ours = await pair.clientFetch("/x", init() as RequestInit);
    expect(ours.outcome).toEqual(plain.outcome);
    expect(cancelled).toEqual([reason, reason]);
  });

  it("rejects with the caller's reason when they abort mid-call, as fetch does", async () => {
    const pair = await setup(() => {}); // never answers
    const run = async <T>(call: (signal: AbortSignal) => Promise<T>) => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error("cancelled")), 20);
      return call(controller.signal);
    };
    const plain = await run((signal) => pair.fetch("/slow", { signal }));
    const ours = await run((signal) => pair.clientFetch("/slow", { signal }));
    expect(ours.outcome).toEqual(plain.outcome);
    expect(ours.outcome).toMatchObject({ error: "Error", message: "cancelled" });
  });

  it("errors the body when the caller aborts after the headers, as fetch does", async () => {
    const pair = await setup((_req, res) => {
      res.writeHead(200);
      res.write("first ");
    });
    const read = async (call: (signal: AbortSignal) => Promise<Response>) => {
      const controller = new AbortController();
      const res = await call(controller.signal);
      const text = res.text();
      controller.abort(new Error("enough"));
      return describeError(await text.catch((e: unknown) => e));
    };
    const plain = await read((signal) => fetch(`${pair.server.url}/b`, { signal }));
    const ours = await read((signal) => pair.client.fetch("/b", { signal }));
    expect(ours).toEqual(plain);
    expect(ours).toMatchObject({ error: "Error", message: "enough" });
  });
});

describe("errors", () => {
  it("gives a NetworkError the cause fetch's TypeError has (the system error)", async () => {
    const down = await refusedUrl();
    const plain = (await fetch(`${down}/`).catch((e: unknown) => e)) as TypeError;
    const client = createClient({ upstreams: [down], retry: false });
    const ours = (await client.fetch("/").catch((e: unknown) => e)) as NetworkError;
    expect(ours).toBeInstanceOf(TypeError);
    expect(ours.name).toBe("NetworkError");
    expect((plain.cause as { code: string }).code).toBe("ECONNREFUSED");
    expect((ours.cause as { code: string }).code).toBe("ECONNREFUSED");
    expect(ours.transportError).toBeInstanceOf(TypeError);
    expect((ours.transportError as TypeError).message).toBe(plain.message);
    await client.close();
  });

  it("sends a replayable body with a caller signal and no total deadline", async () => {
    const pair = await setup(echo, { timeout: { total: false } });
    const signal = new AbortController().signal;
    const init = { method: "PUT", body: "x", signal };
    const plain = await pair.fetch("/put", init);
    const ours = await pair.clientFetch("/put", init);
    expect(ours.outcome).toEqual(plain.outcome);
    expect(ours.outcome).toMatchObject({ status: 200 });
  });

  it("keeps lower-case methods as fetch sends them", async () => {
    const pair = await setup(echo);
    const plain = await pair.fetch("/m", { method: "patch", body: "x" });
    const ours = await pair.clientFetch("/m", { method: "patch", body: "x" });
    expect(ours.outcome).toEqual(plain.outcome);
  });
});
