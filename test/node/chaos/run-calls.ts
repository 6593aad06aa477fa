import type { Client } from "../../../src/index";
import { type CallPlan, initOf, planCall } from "./call-plan";
import { isBodyOf } from "./payload";
import { heapAfterGc } from "./process-watch";

/** What the calls of a run came to, from the caller's side. */
export interface CallTally {
  calls: number;
  /** Responses by status. */
  statuses: Record<string, number>;
  /** Rejections by kind (`TimeoutError:total`, `NetworkError`, `caller abort`, …). */
  rejections: Record<string, number>;
  /** Errors while reading a returned body, by kind. */
  bodyErrors: Record<string, number>;
  /** Calls still unsettled when their limit passed. */
  late: number;
  /** The longest a call took (headers and body), ms. */
  slowestMs: number;
  /** Calls by how long they took, in 1 ms buckets (the last one: that long or longer). */
  durations: Uint32Array;
  /** Invariants broken, one line each (the first 20 kept). */
  problems: string[];
  /** How many invariants were broken in all. */
  problemCount: number;
}

export interface RunCallsOptions {
  /** Calls `0 … calls − 1` of the plan. */
  calls: number;
  /** Number of the first call (a second run on the same ledger continues the numbering). @default 0 */
  first?: number;
  seed: number;
  /** Callers, each with one call in flight at a time. @default 64 */
  concurrency?: number;
  /** A call must have settled (body included) this many ms after it started. */
  limitMs: number;
  /** What the servers did with a call's requests (`Ledger.trail`), for a call that broke a rule. */
  trail?: (call: number, since: number) => string;
}

/** A tally with nothing counted yet (`runCalls` adds to one when given it). */
export function emptyTally(): CallTally {
  return {
    calls: 0,
    statuses: {},
    rejections: {},
    bodyErrors: {},
    late: 0,
    slowestMs: 0,
    durations: new Uint32Array(10_001),
    problems: [],
    problemCount: 0,
  };
}

/** The reason chaos callers abort with: the call must reject with exactly this. */
export const CALLER_ABORT = new Error("the chaos caller gave up");

// What `client.fetch` may reject with: the library's typed errors or the caller's reason.
const TYPED = new Set([
  "TimeoutError",
  "NetworkError",
  "CircuitOpenError",
  "NoUpstreamError",
  "BudgetExhaustedError",
]);

/** `TimeoutError:total`, `NetworkError`, `caller abort`, `TypeError`, … */
export function kindOf(error: unknown): string {
  if (error === CALLER_ABORT) return "caller abort";
  if (error instanceof Error || error instanceof DOMException) {
    const limit = (error as { limit?: string }).limit;
    return limit === undefined ? error.name : `${error.name}:${limit}`;
  }
  return typeof error;
}

/**
 * Runs the planned calls through `client`, `concurrency` at a time, and checks each from
 * the caller's side: it settles (body included) within `limitMs`; it resolves, or rejects
 * with a typed error or the caller's own reason; a 200 is this call's answer (its echoed id)
 * and a body read to the end is exactly the bytes asked for; a body that fails does so as
 * `fetch`'s would (a `TypeError`), on the total deadline, or with the caller's reason.
 *
 * The watchdog of each call is a timer due `limitMs` after the call started; when it finds
 * the call unsettled, it looks again once the event loop has run every timer due by then
 * (a fresh timer comes after them) and its pending I/O (an immediate comes after that), so
 * the client's own deadline timer has had its turn. A starved or overloaded process delays
 * the client's timers and the watchdog alike: a call is late only if it outlived its
 * deadline on the event loop's own terms.
 *
 * @example
 * ```ts
 * const tally = await runCalls(client, { calls: 300, seed: 1, limitMs: 1_250 });
 * expect(tally.problems).toEqual([]);
 * ```
 */
export async function runCalls(
  client: Client,
  options: RunCallsOptions,
  tally: CallTally = emptyTally(),
): Promise<CallTally> {
  const problem = (text: string) => {
    tally.problemCount++;
    if (tally.problems.length < 20) tally.problems.push(text);
  };
  const first = options.first ?? 0;
  let next = first;
  const end = first + options.calls;
  const worker = async () => {
    while (next < end) {
      const plan = planCall(options.seed, next++);
      const started = performance.now();
      await one(client, plan, options, tally, problem);
      const rest = started + plan.spacingMs - performance.now();
      if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 64 }, worker));
  return tally;
}

async function one(
  client: Client,
  plan: CallPlan,
  { limitMs, trail }: RunCallsOptions,
  tally: CallTally,
  problem: (text: string) => void,
): Promise<void> {
  const label = `call ${plan.id} (${plan.method}${plan.body ? ` ${plan.body.byteLength} B ${plan.bodyAs}` : ""})`;
  const controller = plan.abortAfter === undefined ? undefined : new AbortController();
  const abort = controller && setTimeout(() => controller.abort(CALLER_ABORT), plan.abortAfter);
  const started = performance.now();
  let settled = false;
  let answered = "no response yet";
  const late = () => {
    if (settled) return;
    tally.late++;
    const servers = trail?.(plan.id, started) ?? "";
    const after = Math.round(performance.now() - started);
    problem(`${label} had not settled ${after} ms after it started (${answered}; ${servers})`);
  };
  const watchdog = setTimeout(() => {
    if (!settled) setTimeout(() => setImmediate(late), 0);
  }, limitMs);
  try {
    const response = await client.fetch("/chaos", initOf(plan, controller?.signal));
    answered = `${response.status} after ${Math.round(performance.now() - started)} ms`;
    count(tally.statuses, String(response.status));
    // Only garbage (a status line the runtime let through) comes without the call's id.
    const echo = response.headers.get("x-chaos-call");
    if (echo !== null && echo !== String(plan.id))
      problem(`${label} got the answer meant for ${echo}`);
    if (plan.method === "HEAD" || plan.reading === "cancel") await response.body?.cancel();
    else if (plan.reading === "read") {
      await readBody(response, plan, controller?.signal, tally, (text) =>
        problem(`${label}: ${text}`),
      );
    }
  } catch (error) {
    count(tally.rejections, kindOf(error));
    const wrong = wrongRejection(error, controller?.signal);
    if (wrong !== undefined) problem(`${label} ${wrong}`);
  } finally {
    settled = true;
    clearTimeout(watchdog);
    clearTimeout(abort);
    tally.calls++;
    const took = performance.now() - started;
    tally.slowestMs = Math.max(tally.slowestMs, took);
    tally.durations[Math.min(Math.floor(took), tally.durations.length - 1)]!++;
  }
}

/**
 * What is wrong with a call's rejection, if anything. Once the caller has aborted, only
 * their own reason will do: their abort reaches every part of the call in the same tick,
 * and a rejection decided before it would have been delivered before it. Otherwise it must
 * be one of the library's typed errors, with the attempts made and the upstreams tried.
 */
function wrongRejection(error: unknown, signal: AbortSignal | undefined): string | undefined {
  const described = `${kindOf(error)}: ${(error as Error)?.message}`;
  if (signal?.aborted) {
    return error === CALLER_ABORT ? undefined : `was aborted, yet rejected with ${described}`;
  }
  if (error === CALLER_ABORT) return "rejected with its caller's reason before the caller aborted";
  const typed = error as { name?: unknown; attempts?: unknown; upstreams?: unknown };
  if (!TYPED.has(String(typed?.name))) return `rejected with ${described}`;
  if (!Number.isInteger(typed.attempts) || !Array.isArray(typed.upstreams)) {
    return `rejected with a ${typed.name} without attempts and upstreams`;
  }
  return undefined;
}

async function readBody(
  response: Response,
  plan: CallPlan,
  signal: AbortSignal | undefined,
  tally: CallTally,
  problem: (text: string) => void,
): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    const kind = kindOf(error);
    count(tally.bodyErrors, kind);
    // As with fetch: a network failure (TypeError), the total deadline, or the caller's abort.
    if (signal?.aborted && error !== CALLER_ABORT) {
      problem(`its body was aborted by the caller, yet failed with ${kind}`);
    } else if (kind !== "TypeError" && kind !== "TimeoutError:total" && kind !== "caller abort") {
      problem(`its body failed with ${kind}: ${(error as Error)?.message}`);
    }
    return;
  }
  if (response.headers.get("x-chaos-call") !== null && !isBodyOf(plan.id, plan.replySize, bytes)) {
    problem(`a ${bytes.byteLength} B body read to its end, not the ${plan.replySize} B asked for`);
  }
}

/** The `q` quantile (0–1) of the calls' durations, ms. */
export function durationQuantile(tally: CallTally, q: number): number {
  let left = Math.ceil(q * tally.calls);
  for (const [ms, n] of tally.durations.entries()) {
    left -= n;
    if (left <= 0) return ms;
  }
  return tally.durations.length - 1;
}

/** A run's calls, with the heap the open client gained over them. */
export interface MeasuredCalls {
  tally: CallTally;
  /** Heap growth over the last 90% of the calls (after a full GC each side), bytes; the first 10% warm the client up. */
  heap: { live: number; liveCalls: number };
}

/**
 * {@link runCalls} in two parts, a tenth then the rest, with the heap in use measured
 * (after a full GC) between them and after: what the open client kept per call.
 *
 * @example
 * ```ts
 * const { tally, heap } = await runMeasured(client, { calls: 10_000, seed: 1, limitMs: 2_750 });
 * console.log(heap.live / heap.liveCalls, "bytes a call");
 * ```
 */
export async function runMeasured(
  client: Client,
  options: RunCallsOptions,
): Promise<MeasuredCalls> {
  const tally = emptyTally();
  const warm = Math.ceil(options.calls / 10);
  const first = options.first ?? 0;
  await runCalls(client, { ...options, calls: warm }, tally);
  const heapWarm = heapAfterGc();
  await runCalls(client, { ...options, calls: options.calls - warm, first: first + warm }, tally);
  return { tally, heap: { live: heapAfterGc() - heapWarm, liveCalls: options.calls - warm } };
}

/**
 * Closes the client and lists what broke: the calls' problems and anything still in
 * flight after `close()`.
 *
 * @example
 * ```ts
 * problems.push(...(await closeChecked(client, tally)));
 * ```
 */
export async function closeChecked(client: Client, tally: CallTally): Promise<string[]> {
  await client.close();
  const problems = [...tally.problems];
  if (tally.problemCount > tally.problems.length) {
    problems.push(`… ${tally.problemCount - tally.problems.length} more`);
  }
  const stats = client.stats();
  if (stats.inFlight !== 0 || stats.upstreams.some((u) => u.inFlight !== 0)) {
    problems.push(
      `in flight after close(): ${stats.inFlight} calls, per upstream ${stats.upstreams.map((u) => u.inFlight)}`,
    );
  }
  return problems;
}

function count(table: Record<string, number>, key: string): void {
  table[key] = (table[key] ?? 0) + 1;
}
