import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Random } from "../../../src/index";
import { seededRandom } from "../../../src/testing/index";
import { type Exchange, FAULTS } from "./faults";
import type { Fault, Ledger, RequestRecord } from "./ledger";
import { bodyTag } from "./payload";

/** The fault modes of the client chaos suite (issue 14). */
export const CHAOS_MODES = [
  "refused",
  "reset-before-headers",
  "reset-mid-body",
  "hang-before-headers",
  "hang-mid-body",
  "slow-drip",
  "5xx-burst",
  "429-retry-after",
  "huge-headers",
  "keep-alive-close",
  "early-answer",
  "garbage-status",
  "truncated-body",
  "mix",
] as const;

export type ChaosMode = (typeof CHAOS_MODES)[number];

/** A fault mode, or `healthy`: every exchange answered as asked. */
export type ServerMode = ChaosMode | "healthy";

/** The faults each mode injects (on a share of requests); `refused` and `keep-alive-close` break connections instead. */
const MODE_FAULTS: Record<ServerMode, readonly Fault[]> = {
  healthy: [],
  refused: [],
  "reset-before-headers": ["reset-before-headers", "close-before-headers"],
  "reset-mid-body": ["reset-mid-body"],
  "hang-before-headers": ["hang-before-headers"],
  "hang-mid-body": ["hang-mid-body"],
  "slow-drip": ["slow-drip"],
  "5xx-burst": ["5xx"],
  "429-retry-after": ["429"],
  "huge-headers": ["huge-headers"],
  "keep-alive-close": [],
  "early-answer": ["early-answer"],
  "garbage-status": ["garbage-status"],
  "truncated-body": ["truncated-body", "overlong-body"],
  mix: [
    "reset-before-headers",
    "close-before-headers",
    "hang-before-headers",
    "reset-mid-body",
    "hang-mid-body",
    "slow-drip",
    "5xx",
    "429",
    "huge-headers",
    "garbage-status",
    "truncated-body",
    "overlong-body",
    "early-answer",
  ],
};

export interface ChaosServerOptions {
  mode: ServerMode;
  ledger: Ledger;
  /** This server's index among the run's upstreams (its faults are seeded by it). */
  index: number;
  seed: number;
  /** Share of requests that get a fault. @default 0.25 */
  faultRate?: number;
}

/** A running chaos server. */
export interface ChaosServer {
  url: string;
  close(): Promise<void>;
}

/**
 * An HTTP/1.1 server on 127.0.0.1 that breaks a share of its exchanges the way its `mode`
 * says (seeded: the n-th request it receives gets the same treatment for the same seed), and
 * answers the rest as asked: 200 with the body the call expects, echoing the call's id.
 * Every request is recorded in the run's {@link Ledger}, with whether the server or the
 * client ended the exchange.
 *
 * @example
 * ```ts
 * const server = await startChaosServer({ mode: "slow-drip", ledger, index: 0, seed: 7 });
 * await server.close();
 * ```
 */
export async function startChaosServer(options: ChaosServerOptions): Promise<ChaosServer> {
  const { mode, ledger, index } = options;
  const faults = MODE_FAULTS[mode];
  const rate = faults.length === 0 ? 0 : (options.faultRate ?? 0.25);
  const random = seededRandom(options.seed * 31 + index);
  const burst = burstState(random);

  const server = createServer((req, res) => {
    // Not a chaos call (a warm-up): answered plainly, left out of the ledger and the faults.
    if (req.headers["x-chaos-call"] === undefined)
      return void req.resume().on("end", () => res.end());
    const fault = pickFault(mode, faults, rate, random, burst);
    const record = ledger.open({
      call: Number(req.headers["x-chaos-call"]),
      server: index,
      method: req.method ?? "GET",
      repeatable: req.headers["x-chaos-repeatable"] === "1",
      fault,
    });
    const exchange = track(req, res, record, ledger, random);
    if (fault === "early-answer") return earlyAnswer(exchange);
    readBody(req).then(
      (body) => {
        const sent = req.headers["x-chaos-body"];
        if (sent !== undefined && bodyTag(body) !== sent) ledger.altered(record);
        if (res.destroyed) return;
        FAULTS[fault](exchange);
        if (mode === "keep-alive-close" || (mode === "mix" && random() < 0.1)) {
          closeAfter(exchange, Math.floor(random() * 3));
        }
      },
      // The client went away while sending: the close handler has recorded it.
      () => {},
    );
  });
  server.on("connection", (socket) => {
    // Raw faults write to the socket; a reset peer must not surface as an uncaught error.
    socket.on("error", () => {});
  });
  server.on("clientError", (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function track(
  req: IncomingMessage,
  res: ServerResponse,
  record: RequestRecord,
  ledger: Ledger,
  random: Random,
): Exchange {
  const timers = new Set<NodeJS.Timeout>();
  const ended = () => ledger.end(record, "answered");
  res.on("finish", ended);
  res.on("close", () => {
    ledger.end(record, "abandoned");
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
  });
  return {
    res,
    socket: req.socket,
    record,
    replySize: Number(req.headers["x-chaos-reply"] ?? 0),
    random,
    later(ms, work) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!req.socket.destroyed) work();
      }, ms);
      timers.add(timer);
    },
    ended,
  };
}

/** Answers as soon as the head is in, without reading the body; half the time then hangs up. */
function earlyAnswer(x: Exchange): void {
  const hangUp = x.random() < 0.5;
  FAULTS["early-answer"](x);
  if (hangUp) x.res.on("finish", () => x.socket.destroy());
  // Otherwise Node's server discards the unread rest of the body and keeps the connection.
}

/** Ends the connection a moment after the answer, though it was offered as keep-alive. */
function closeAfter(x: Exchange, ms: number): void {
  x.res.on("finish", () => {
    const socket = x.socket;
    setTimeout(() => socket.destroy(), ms);
  });
}

interface Burst {
  /** When the current stretch ends (ms, `performance.now()`), and whether it is a 5xx burst. */
  until: number;
  failing: boolean;
}

function burstState(random: Random): Burst {
  return { until: performance.now() + 200 + random() * 1_800, failing: false };
}

function pickFault(
  mode: ServerMode,
  faults: readonly Fault[],
  rate: number,
  random: Random,
  burst: Burst,
): Fault {
  if (mode === "5xx-burst") {
    // Healthy for 0.2–2 s, then every answer a 5xx for 0.05–0.5 s (by time, as an overload
    // or a deploy would: a breaker that keeps requests away does not prolong it).
    const now = performance.now();
    if (now >= burst.until) {
      burst.failing = !burst.failing;
      burst.until = now + (burst.failing ? 50 + random() * 450 : 200 + random() * 1_800);
    }
    return burst.failing ? "5xx" : "ok";
  }
  if (rate === 0 || random() >= rate) return "ok";
  return faults[Math.floor(random() * faults.length)]!;
}

async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
