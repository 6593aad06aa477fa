import type { HubHeartbeatResult } from "../../src/protocol";

/**
 * One heartbeat target: the upstream it stands for and the URL to GET.
 *
 * @example
 * ```ts
 * const target: ProbeTarget = { url: "https://a.internal", probeUrl: "https://a.internal/healthz" };
 * ```
 */
export interface ProbeTarget {
  url: string;
  probeUrl: string;
}

/**
 * A function that runs one heartbeat; the Durable Object holds one so tests can swap it.
 *
 * @example
 * ```ts
 * const prober: Prober = async (t) => ({ url: t.url, status: 200, latencyMs: 1 });
 * ```
 */
export type Prober = (target: ProbeTarget, timeoutMs: number) => Promise<HubHeartbeatResult>;

/**
 * GETs the target's probe URL with a timeout and reports its status (the caller judges it
 * against the expected statuses). Redirects are not followed: a heartbeat never leaves the
 * configured origin. The body is cancelled unread. Never rejects.
 *
 * @example
 * ```ts
 * const result = await probeUpstream(target, 2_000); // { url, status: 200, latencyMs: 12 }
 * ```
 */
export const probeUpstream: Prober = async (target, timeoutMs) => {
  const started = Date.now();
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(target.probeUrl, {
      method: "GET",
      redirect: "manual",
      signal,
      headers: { "user-agent": "resilient-fetch-hub/1 (heartbeat)" },
    });
    await res.body?.cancel().catch(() => {});
    return { url: target.url, status: res.status, latencyMs: Date.now() - started };
  } catch (err) {
    const error = signal.aborted ? `timed out after ${timeoutMs} ms` : describe(err);
    return { url: target.url, status: null, latencyMs: Date.now() - started, error };
  }
};

function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.slice(0, 200) || "request failed";
}
