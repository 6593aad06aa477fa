/**
 * What one of the demo's callers saw, counted as it happened: its calls (what the code
 * calling `fetch` got), its attempts per upstream (what went over the wire), and the moments
 * its breakers and the hub's gates changed. Plain data, filled by clients.ts, read by the
 * live table and the summary. Times are ms since the run began.
 */

/** How an attempt at an upstream ended. */
export type AttemptOutcome = "ok" | "failed" | "cancelled";

/** One attempt at an upstream. */
export interface AttemptSample {
  at: number;
  upstream: string;
  ms: number;
  outcome: AttemptOutcome;
}

/** A change of a breaker, or of whether the hub's verdict keeps new calls from an upstream. */
export interface Transition {
  at: number;
  upstream: string;
  /** `breaker`: `to` is the breaker's new state; `gate`: `open` when the hub excludes it, else `closed`. */
  kind: "breaker" | "gate";
  from: string;
  to: string;
}

/** A caller's counters and timelines. */
export class CallerRecord {
  /** Calls started. */
  calls = 0;
  /** Calls answered with a 2xx/3xx status. */
  ok = 0;
  /** Calls that rejected, or resolved with an error status after every attempt. */
  errors = 0;
  /** Calls ended because the run was stopped (Ctrl-C) before they finished. */
  cancelled = 0;
  /** Durations of calls that finished (ok or error), ms. */
  readonly latencies: number[] = [];
  readonly attempts: AttemptSample[] = [];
  readonly transitions: Transition[] = [];
  retries = 0;
  hedges = 0;
  readonly #excluded = new Set<string>();

  /**
   * @param name   How tables name it, e.g. `AAA` or `control`.
   * @param role   What it is, in a few words.
   */
  constructor(
    readonly name: string,
    readonly role: string,
  ) {}

  /** Calls still in flight. */
  get inFlight(): number {
    return this.calls - this.ok - this.errors - this.cancelled;
  }

  callEnded(outcome: "ok" | "error" | "cancelled", ms: number): void {
    if (outcome === "ok") this.ok++;
    else if (outcome === "error") this.errors++;
    else this.cancelled++;
    if (outcome !== "cancelled") this.latencies.push(ms);
  }

  attempt(sample: AttemptSample): void {
    this.attempts.push(sample);
  }

  breaker(at: number, upstream: string, from: string, to: string): void {
    this.transitions.push({ at, upstream, kind: "breaker", from, to });
  }

  /** The upstreams a hub snapshot keeps from new calls now; records the ones that changed. */
  excluded(at: number, upstreams: readonly string[], all: readonly string[]): void {
    for (const upstream of all) {
      const now = upstreams.includes(upstream);
      if (now === this.#excluded.has(upstream)) continue;
      if (now) this.#excluded.add(upstream);
      else this.#excluded.delete(upstream);
      const [from, to] = now ? ["closed", "open"] : ["open", "closed"];
      this.transitions.push({ at, upstream, kind: "gate", from, to });
    }
  }
}

/**
 * How an attempt ended, from what the `attempt` event carries: an answer with a failure
 * status (5xx, 408, 429, as the client's default classification) or an error is `failed`;
 * an attempt aborted because another answered first (hedge) or the run stopped is
 * `cancelled`.
 *
 * @example
 * ```ts
 * attemptOutcome(503, undefined); // "failed"
 * attemptOutcome(undefined, new DOMException("lost", "AbortError")); // "cancelled"
 * ```
 */
export function attemptOutcome(status: number | undefined, error: unknown): AttemptOutcome {
  if (status !== undefined)
    return status >= 500 || status === 408 || status === 429 ? "failed" : "ok";
  return (error as { name?: unknown } | null)?.name === "AbortError" ? "cancelled" : "failed";
}
