import type { ResilientRequestInit } from "../../../src/index";
import { seededRandom } from "../../../src/testing/index";
import { bodyOf, bodyTag } from "./payload";

/** What one chaos call does: derived from the run's seed and the call's number alone. */
export interface CallPlan {
  id: number;
  method: string;
  /** The request body's bytes (sent as a string, bytes or a stream), if any. */
  body: Uint8Array | undefined;
  bodyAs: "string" | "bytes" | "stream";
  /** Bytes of the answer asked for. */
  replySize: number;
  /** It may reach an upstream more than once (idempotent, keyed or opted in, and replayable). */
  repeatable: boolean;
  /** What the caller does with a response: reads the body, cancels it, or drops it unread. */
  reading: "read" | "cancel" | "ignore";
  /** The caller aborts after this many ms, if set. */
  abortAfter: number | undefined;
  /** Opt-in (`idempotent: true`), an `Idempotency-Key`, or neither. */
  repeat: "method" | "key" | "opt-in" | "none";
  /**
   * ms from this call's start to the next start by the same caller, at least: traffic
   * arrives at a steady pace, so a call that fails fast (an open breaker) does not bring the
   * next one sooner and skew the mix towards whatever fails fastest.
   */
  spacingMs: number;
}

/** Bytes a streamed body may be buffered to for replay (the client's `retry.bodyLimit`). */
export const BODY_LIMIT = 1 << 20;

type Table<T> = ReadonlyArray<readonly [T, number]>;

// [[method, how it may be repeated], weight]
const METHODS: Table<readonly [string, CallPlan["repeat"]]> = [
  [["GET", "method"], 35],
  [["HEAD", "method"], 5],
  [["PUT", "method"], 12],
  [["DELETE", "method"], 5],
  [["POST", "none"], 25],
  [["POST", "key"], 8],
  [["POST", "opt-in"], 5],
  [["PATCH", "none"], 5],
];
const BODY_SIZES: Table<number> = [
  [0, 20],
  [100, 50],
  [8 * 1024, 20],
  [200 * 1024, 8],
  // Over the replay buffer: sent once whatever the method.
  [BODY_LIMIT + 200 * 1024, 2],
];
const REPLY_SIZES: Table<number> = [
  [0, 10],
  [64, 50],
  [4 * 1024, 30],
  [64 * 1024, 10],
];

function weighted<T>(random: () => number, table: Table<T>): T {
  let at = random() * table.reduce((sum, [, weight]) => sum + weight, 0);
  for (const [value, weight] of table) {
    at -= weight;
    if (at < 0) return value;
  }
  return table[0]![0];
}

/**
 * The plan of call `id` in a run seeded `seed`: mixed methods (GET, HEAD, PUT, DELETE, POST
 * plain / with an `Idempotency-Key` / opted in, PATCH), bodies from none to 1.2 MiB as
 * strings, bytes or streams, answers of 0–64 KiB, and a few callers that abort, cancel the
 * body or never read it.
 *
 * @example
 * ```ts
 * const plan = planCall(20261202, 17);
 * await client.fetch("/chaos", initOf(plan));
 * ```
 */
export function planCall(seed: number, id: number): CallPlan {
  const random = seededRandom(seed * 1_000_003 + id);
  const [method, repeat] = weighted(random, METHODS);
  const hasBody = method !== "GET" && method !== "HEAD" && method !== "DELETE";
  const size = hasBody ? weighted(random, BODY_SIZES) : 0;
  const bodyAs =
    size > BODY_LIMIT
      ? "stream"
      : (["string", "bytes", "stream"] as const)[Math.floor(random() * 3)]!;
  const reading = random() < 0.9 ? "read" : random() < 0.5 ? "cancel" : "ignore";
  return {
    id,
    method,
    body: hasBody ? bodyOf(id, size) : undefined,
    bodyAs,
    replySize: weighted(random, REPLY_SIZES),
    repeatable: repeat !== "none" && size <= BODY_LIMIT,
    reading,
    abortAfter: random() < 0.03 ? Math.floor(random() * 600) : undefined,
    repeat,
    spacingMs: 20 + Math.floor(random() * 40),
  };
}

/** The `init` for a plan's call (a fresh body stream each time it is asked for). */
export function initOf(plan: CallPlan, signal?: AbortSignal): ResilientRequestInit {
  const headers: Record<string, string> = {
    "x-chaos-call": String(plan.id),
    "x-chaos-reply": String(plan.replySize),
    "x-chaos-repeatable": plan.repeatable ? "1" : "0",
  };
  if (plan.repeat === "key") headers["idempotency-key"] = `chaos-${plan.id}`;
  const init: ResilientRequestInit & { duplex?: "half" } = { method: plan.method, headers, signal };
  if (plan.repeat === "opt-in") init.idempotent = true;
  const body = plan.body;
  if (body !== undefined) {
    headers["x-chaos-body"] = bodyTag(body);
    if (plan.bodyAs === "string") init.body = new TextDecoder().decode(body);
    else if (plan.bodyAs === "bytes") init.body = new Uint8Array(body);
    else {
      init.body = streamOf(body);
      init.duplex = "half";
    }
  }
  return init;
}

function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.byteLength) return controller.close();
      const end = Math.min(bytes.byteLength, at + 64 * 1024);
      controller.enqueue(bytes.slice(at, end));
      at = end;
    },
  });
}
