import type { Client } from "../../../src/index";
import { type CallPlan, initOf, planCall } from "./call-plan";
import { isBodyOf } from "./payload";

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
  /** Calls in flight at once. @default 32 */
  concurrency?: number;
  /** A call must have settled (body included) this many ms after it started. */
  limitMs: number;
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
 * The watchdog of each call is a timer due after the client's own deadline timer, and Node
 * runs due timers in order of their due time, so a loaded machine delays both alike: a call
 * is late only if it outlives its deadline by the margin on the event loop's own terms.
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
      await one(client, plan, options.limitMs, tally, problem);
      const rest = started + plan.spacingMs - performance.now();
      if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 32 }, worker));
  return tally;
}

async function one(
  client: Client,
  plan: CallPlan,
  limitMs: number,
  tally: CallTally,
  problem: (text: string) => void,
): Promise<void> {
  const label = `call ${plan.id} (${plan.method}${plan.body ? ` ${plan.body.byteLength} B ${plan.bodyAs}` : ""})`;
  const controller = plan.abortAfter === undefined ? undefined : new AbortController();
  const abort = controller && setTimeout(() => controller.abort(CALLER_ABORT), plan.abortAfter);
  const started = performance.now();
  let settled = false;
  const watchdog = setTimeout(() => {
    if (settled) return;
    tally.late++;
    problem(`${label} had not settled ${limitMs} ms after it started`);
  }, limitMs);
  try {
    const response = await client.fetch("/chaos", initOf(plan, controller?.signal));
    count(tally.statuses, String(response.status));
    // Only garbage (a status line the runtime let through) comes without the call's id.
    const echo = response.headers.get("x-chaos-call");
    if (echo !== null && echo !== String(plan.id))
      problem(`${label} got the answer meant for ${echo}`);
    if (plan.method === "HEAD" || plan.reading === "cancel") await response.body?.cancel();
    else if (plan.reading === "read") await readBody(response, plan, tally, label, problem);
  } catch (error) {
    const kind = kindOf(error);
    count(tally.rejections, kind);
    const name = (error as { name?: string } | null)?.name ?? "";
    if (error !== CALLER_ABORT && !TYPED.has(name)) {
      problem(`${label} rejected with ${kind}: ${(error as Error)?.message}`);
    }
  } finally {
    settled = true;
    clearTimeout(watchdog);
    clearTimeout(abort);
    tally.calls++;
    tally.slowestMs = Math.max(tally.slowestMs, performance.now() - started);
  }
}

async function readBody(
  response: Response,
  plan: CallPlan,
  tally: CallTally,
  label: string,
  problem: (text: string) => void,
): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    const kind = kindOf(error);
    count(tally.bodyErrors, kind);
    if (kind !== "TypeError" && kind !== "TimeoutError:total" && kind !== "caller abort") {
      problem(`${label}: its body failed with ${kind}: ${(error as Error)?.message}`);
    }
    return;
  }
  if (response.headers.get("x-chaos-call") !== null && !isBodyOf(plan.id, plan.replySize, bytes)) {
    problem(
      `${label}: a ${bytes.byteLength} B body read to its end, not the ${plan.replySize} B asked for`,
    );
  }
}

function count(table: Record<string, number>, key: string): void {
  table[key] = (table[key] ?? 0) + 1;
}
