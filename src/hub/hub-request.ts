import type { Clock } from "../clock";
import { describeError, type Timed, timed } from "./timed";

/**
 * How one hub request ended: a usable answer (2xx, or 304 with an empty body), or why not.
 * Hub requests never reject: every failure is a value the sync loop backs off on.
 *
 * @example
 * ```ts
 * const reply = await hubRequest(send, "/v1/services/payments/health", {}, clock, 2_000).result;
 * if (reply.ok && reply.status === 200) apply(JSON.parse(reply.body));
 * ```
 */
export type HubReply =
  | { ok: true; status: number; etag: string | null; body: string }
  | { ok: false; status: number | undefined; error: string };

/** Larger bodies are refused unread: no snapshot of 64 upstreams comes near it. */
export const MAX_HUB_BODY = 4 * 1024 * 1024;

/** A reply for a request abandoned on purpose (the client closing). */
export const ABANDONED: HubReply = { ok: false, status: undefined, error: "abandoned" };

/**
 * Sends one request to the hub with its own signal and timeout, never a caller's: the
 * timeout covers the answer and its body.
 *
 * @example
 * ```ts
 * const pending = hubRequest(send, "/v1/services/payments/reports", { method: "POST", body }, clock, 2_000);
 * const reply = await pending.result;
 * ```
 */
export function hubRequest(
  send: (path: string, init: RequestInit) => Promise<Response>,
  path: string,
  init: RequestInit,
  clock: Clock,
  timeoutMs: number,
): Timed<HubReply> {
  return timed<HubReply>(
    clock,
    timeoutMs,
    async (signal) => {
      const response = await send(path, { ...init, signal });
      const length = Number(response.headers.get("content-length") ?? 0);
      if (length > MAX_HUB_BODY) {
        await response.body?.cancel();
        return { ok: false, status: response.status, error: `a body of ${length} bytes` };
      }
      const body = await response.text();
      if (response.ok || response.status === 304) {
        return { ok: true, status: response.status, etag: response.headers.get("etag"), body };
      }
      return { ok: false, status: response.status, error: errorText(response.status, body) };
    },
    () => ({ ok: false, status: undefined, error: `timed out after ${timeoutMs} ms` }),
    (error) => ({ ok: false, status: undefined, error: describeError(error) }),
  );
}

function errorText(status: number, body: string): string {
  let message: unknown;
  try {
    message = (JSON.parse(body) as { error?: unknown }).error;
  } catch {
    // Not the hub's JSON error body (a proxy's page, say): the status says enough.
  }
  return typeof message === "string" ? `${status} ${message.slice(0, 200)}` : `status ${status}`;
}
