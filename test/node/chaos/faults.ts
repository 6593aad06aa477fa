import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Random } from "../../../src/index";
import type { Fault, RequestRecord } from "./ledger";
import { bodyOf } from "./payload";

/** One request in a chaos server's hands, with what it takes to answer or break it. */
export interface Exchange {
  res: ServerResponse;
  socket: Socket;
  record: RequestRecord;
  /** Bytes of the answer's body the call asked for (`x-chaos-reply`). */
  replySize: number;
  random: Random;
  /** Runs `work` after `ms` unless the exchange ends first (every timer is cleared on close). */
  later(ms: number, work: () => void): void;
  /** The server is done with the exchange (it answered, or broke it on purpose). */
  ended(): void;
}

const pick = <T>(random: Random, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)]!;

/** Answers the call as asked: 200 with its own body, echoing its id. */
export function answer(x: Exchange, extraHeaders: Record<string, string | string[]> = {}): void {
  const body = bodyOf(x.record.call, x.replySize);
  x.res.writeHead(200, {
    "content-type": "application/octet-stream",
    "content-length": String(body.byteLength),
    "x-chaos-call": String(x.record.call),
    ...extraHeaders,
  });
  x.res.end(body);
}

function raw(x: Exchange, text: string | Uint8Array, then: "end" | "reset" | "keep"): void {
  x.ended();
  x.socket.write(text);
  if (then === "end") x.socket.end();
  else if (then === "reset") x.socket.resetAndDestroy();
}

/** `Retry-After` values a 429 or 503 may carry: valid, invalid, negative, huge, HTTP-dates. */
export function retryAfterValue(random: Random, now: number): string | undefined {
  const date = (offset: number) => new Date(now + offset).toUTCString();
  return pick(random, [
    undefined,
    "0",
    "1",
    "2",
    "-1",
    "1.5",
    " 0 ",
    "soon",
    "",
    "99999999999999999999",
    "9".repeat(400),
    date(-60_000),
    date(400),
    date(1_500),
    date(86_400_000),
    "Mon, 99 Foo 2026 25:61:61 GMT",
    "Sunday, 06-Nov-94 08:49:37 GMT",
    "Sun Nov  6 08:49:37 1994",
  ]);
}

/** A fault in action: what the server does with an exchange. */
export const FAULTS: Record<Fault, (x: Exchange) => void> = {
  ok: (x) => answer(x),
  "reset-before-headers": (x) => {
    x.ended();
    x.socket.resetAndDestroy();
  },
  "close-before-headers": (x) => {
    x.ended();
    x.socket.destroy();
  },
  // Held until the client gives up and closes the connection.
  "hang-before-headers": () => {},
  "reset-mid-body": (x) => {
    const size = Math.max(x.replySize, 2_000);
    const body = bodyOf(x.record.call, size);
    x.res.writeHead(200, { "content-length": String(size), "x-chaos-call": String(x.record.call) });
    x.res.write(body.subarray(0, size >> 1));
    x.later(Math.floor(x.random() * 20), () => {
      x.ended();
      x.socket.resetAndDestroy();
    });
  },
  "hang-mid-body": (x) => {
    const size = Math.max(x.replySize, 2_000);
    x.res.writeHead(200, { "content-length": String(size), "x-chaos-call": String(x.record.call) });
    x.res.write(bodyOf(x.record.call, size).subarray(0, size >> 1));
  },
  "slow-drip": (x) => drip(x),
  "5xx": (x) => {
    x.res.writeHead(pick(x.random, [500, 502, 503, 504]), { "content-type": "application/json" });
    x.res.end(JSON.stringify({ error: "burst" }));
  },
  "429": (x) => {
    const retryAfter = retryAfterValue(x.random, Date.now());
    const status = x.random() < 0.8 ? 429 : 503;
    x.res.writeHead(status, retryAfter === undefined ? {} : { "retry-after": retryAfter });
    x.res.end("slow down");
  },
  "huge-headers": (x) => {
    const variant = Math.floor(x.random() * 3);
    if (variant === 0) answer(x, { "x-huge": "h".repeat(64 * 1024) });
    else if (variant === 1)
      answer(x, { "x-many": Array.from({ length: 300 }, () => "m".repeat(100)) });
    // Under Node's 16 KiB limit: must pass.
    else answer(x, { "x-large": "l".repeat(12 * 1024) });
  },
  "garbage-status": (x) => {
    raw(
      x,
      pick(x.random, [
        "HTTP/1.1 999999 Nope\r\n\r\n",
        "NOT HTTP AT ALL\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
        "\x00\x01\x02\xff\xfe binary",
        "HTTP/1.1 200 OK\r\nBad Header Line\r\n\r\n",
        "HTTP/1.1 200",
      ]),
      x.random() < 0.5 ? "end" : "reset",
    );
  },
  "truncated-body": (x) => {
    const size = Math.max(x.replySize, 100);
    const body = Buffer.from(bodyOf(x.record.call, size));
    const head = `HTTP/1.1 200 OK\r\nx-chaos-call: ${x.record.call}\r\n`;
    if (x.random() < 0.5) {
      raw(
        x,
        Buffer.concat([
          Buffer.from(`${head}content-length: ${size}\r\n\r\n`),
          body.subarray(0, size >> 1),
        ]),
        "end",
      );
    } else {
      // Chunked, and the connection ends before the last chunk.
      const chunk = `${(size >> 1).toString(16)}\r\n`;
      raw(
        x,
        Buffer.concat([
          Buffer.from(`${head}transfer-encoding: chunked\r\n\r\n${chunk}`),
          body.subarray(0, size >> 1),
        ]),
        "end",
      );
    }
  },
  "overlong-body": (x) => {
    // More bytes than Content-Length, then a whole second response nobody asked for, on a
    // connection left open: the client must not hand it to its next request.
    const size = x.replySize;
    const body = Buffer.from(bodyOf(x.record.call, size));
    const stray = `HTTP/1.1 200 OK\r\nx-chaos-call: stray\r\ncontent-length: 5\r\n\r\nstray`;
    raw(
      x,
      Buffer.concat([
        Buffer.from(
          `HTTP/1.1 200 OK\r\nx-chaos-call: ${x.record.call}\r\ncontent-length: ${size}\r\n\r\n`,
        ),
        body,
        Buffer.from(x.random() < 0.5 ? "extra bytes" : stray),
      ]),
      "keep",
    );
    // Left open a while, for the client to reuse or not; then closed, since the server's own
    // response object for this request was bypassed.
    x.later(20, () => x.socket.end());
  },
  // Decided before the body is read: see chaos-server.ts.
  "early-answer": (x) => answer(x),
};

/**
 * Headers at once (or, a third of the time, the head itself byte by byte), then the body a
 * few bytes at a time, 5–40 ms apart. Written past the server's response object, so the
 * head says `connection: close` and the socket is ended after the last byte.
 */
function drip(x: Exchange): void {
  const body = Buffer.from(bodyOf(x.record.call, x.replySize));
  const every = 5 + Math.floor(x.random() * 35);
  const head = Buffer.from(
    `HTTP/1.1 200 OK\r\nx-chaos-call: ${x.record.call}\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n`,
  );
  const dripHead = x.random() < 0.3;
  const bytes = dripHead ? Buffer.concat([head, body]) : body;
  const step = Math.max(1, Math.ceil(bytes.length / (5 + Math.floor(x.random() * 55))));
  if (!dripHead) x.socket.write(head);
  let sent = 0;
  const next = () => {
    const part = bytes.subarray(sent, sent + step);
    sent += part.length;
    x.socket.write(part);
    if (sent < bytes.length) return x.later(every, next);
    x.ended();
    x.socket.end();
  };
  x.later(every, next);
}
