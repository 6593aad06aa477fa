import { createServer, type IncomingMessage, request, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Random } from "../../../src/index";
import { seededRandom } from "../../../src/testing/index";

/** How the hub misbehaves, per request (`down` is a hub URL that refuses connections). */
export const HUB_MODES = [
  "healthy",
  "down",
  "stall",
  "slow",
  "5xx",
  "reset",
  "garbage",
  "wrong-shape",
  "truncated",
  "flapping",
  "outage",
] as const;

export type HubMode = (typeof HUB_MODES)[number];

/** A mode the proxy plays (`down` needs no proxy: the client gets a URL that refuses). */
export type ProxyMode = Exclude<HubMode, "down">;

type Behaviour = Exclude<ProxyMode, "flapping" | "outage">;
/** What `flapping` and `outage` pick from when broken: every single misbehaviour. */
const BROKEN = HUB_MODES.filter(
  (mode): mode is Exclude<Behaviour, "healthy"> =>
    !["healthy", "down", "flapping", "outage"].includes(mode),
);

/** When the `outage` mode's hub is broken, ms after the proxy started. */
export const OUTAGE = { from: 200, to: 1_200 };

/** A running proxy in front of a hub. */
export interface HubProxy {
  url: string;
  /** Requests it received. */
  requests(): number;
  /** Epoch ms at which `outage` ends. */
  outageEndsAt: number;
  close(): Promise<void>;
}

const pick = <T>(random: Random, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)]!;

/**
 * A proxy on 127.0.0.1 in front of a real hub, which misbehaves as `mode` says on every
 * request: holds it forever, answers late, answers 5xx, resets the connection, answers
 * garbage or JSON of the wrong shape, truncates the hub's answer; `flapping` picks one of
 * those (or a faithful relay) per request, `outage` is faithful but for a second of
 * misbehaving. Faults are seeded; relayed requests open a fresh connection each.
 *
 * @example
 * ```ts
 * const proxy = await startHubProxy(hub.url, "garbage", 7);
 * hubSync({ hub: proxy.url, service, token });
 * ```
 */
export async function startHubProxy(
  target: string,
  mode: ProxyMode,
  seed: number,
): Promise<HubProxy> {
  const random = seededRandom(seed);
  const started = Date.now();
  let requests = 0;
  const behaviourNow = (): Behaviour => {
    if (mode === "flapping") return random() < 0.5 ? "healthy" : pick(random, BROKEN);
    if (mode === "outage") {
      const elapsed = Date.now() - started;
      return elapsed >= OUTAGE.from && elapsed < OUTAGE.to ? pick(random, BROKEN) : "healthy";
    }
    return mode;
  };
  const server = createServer((req, res) => {
    requests++;
    const behaviour = behaviourNow();
    readAll(req).then(
      (body) => misbehave(behaviour, { req, res, body, target, random }),
      () => {},
    );
  });
  server.on("connection", (socket) => socket.on("error", () => {}));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    outageEndsAt: started + OUTAGE.to,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Relay {
  req: IncomingMessage;
  res: ServerResponse;
  body: Buffer;
  target: string;
  random: Random;
}

async function misbehave(behaviour: Behaviour, x: Relay): Promise<void> {
  const { res, random } = x;
  switch (behaviour) {
    case "stall":
      return;
    case "reset":
      return void x.req.socket.resetAndDestroy();
    case "5xx": {
      const html = random() < 0.3;
      res.writeHead(pick(random, [500, 502, 503, 504]), {
        "content-type": html ? "text/html" : "application/json",
      });
      return void res.end(html ? "<html><body>Bad gateway</body></html>" : '{"error":"hub broke"}');
    }
    case "garbage":
      res.writeHead(200, { "content-type": "application/json", etag: '"garbage"' });
      return void res.end(
        pick(random, ["{not json", "<html>oops</html>", "null", "[]", "\u0000\u0001", ""]),
      );
    case "slow":
      await new Promise((resolve) => setTimeout(resolve, 100 + random() * 900));
      if (res.destroyed) return;
      break;
  }
  const answer = await relay(x).catch(() => undefined);
  if (answer === undefined || res.destroyed) return void res.destroy();
  let body = answer.body;
  if (behaviour === "wrong-shape") body = Buffer.from(JSON.stringify(reshape(answer.body, random)));
  const headers: Record<string, string | string[] | undefined> = {
    ...answer.headers,
    "content-length": String(body.length),
  };
  delete headers["transfer-encoding"];
  res.writeHead(answer.status, headers);
  if (behaviour === "truncated") {
    res.write(body.subarray(0, body.length >> 1));
    return void res.destroy();
  }
  res.end(body);
}

/** The hub's JSON answer made invalid in one of several ways (still JSON). */
function reshape(body: Buffer, random: Random): unknown {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    return { error: "not json" };
  }
  const upstreams = Array.isArray(json.upstreams)
    ? (json.upstreams as Record<string, unknown>[])
    : [];
  return pick<() => unknown>(random, [
    () => ({ ...json, version: "seven" }),
    () => ({ ...json, upstreams: "none" }),
    () => ({ ...json, upstreams: upstreams.map((u) => ({ ...u, verdict: "exploded" })) }),
    () => ({ ...json, upstreams: upstreams.map((u) => ({ ...u, url: 42 })) }),
    () => ({ ...json, ttlMs: -5 }),
    () => ({ ...json, generatedAt: "yesterday" }),
    () => ({ ...json, accepted: "everything" }),
    () => [json],
  ])();
}

async function relay(x: Relay): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}> {
  const url = new URL(x.req.url ?? "/", x.target);
  const headers = { ...x.req.headers, host: url.host };
  return new Promise((resolve, reject) => {
    const out = request(url, { method: x.req.method, headers, agent: false }, (answer) => {
      readAll(answer).then(
        (body) =>
          resolve({ status: answer.statusCode ?? 502, headers: { ...answer.headers }, body }),
        reject,
      );
    });
    out.on("error", reject);
    out.end(x.body);
  });
}

async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
