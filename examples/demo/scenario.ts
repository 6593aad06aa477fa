/**
 * What the demo's four upstreams do, as pure functions of the time since the run began
 * and a random source, so the story is the same on every run and testable without servers.
 *
 * - `healthy` answers in 5–15 ms;
 * - `slow-tail` answers like it, but 6% of its answers take 0.3–1.5 s (a heavy tail: GC
 *   pauses, a cold cache, a noisy neighbour);
 * - `outage` stops listening 10 s into the run and listens again 20 s later (connections are
 *   refused in between: the process is gone);
 * - `bursty` answers 503 to everything, its health path included, for 3 s every 12 s from
 *   4 s on (an overloaded service shedding load).
 */

/** One of the demo's upstreams. */
export type UpstreamName = "healthy" | "slow-tail" | "outage" | "bursty";

/** The upstreams, in the order every table lists them. */
export const UPSTREAM_NAMES: readonly UpstreamName[] = ["healthy", "slow-tail", "outage", "bursty"];

/** What an upstream is doing at a moment: answering, refusing connections, or shedding load. */
export type Phase = "up" | "down" | "503";

/** When the `outage` upstream is down, ms since the run began. */
export const OUTAGE = { from: 10_000, until: 30_000 } as const;

/** The `bursty` upstream's 503 bursts: `length` ms every `every` ms from `first` on. */
export const BURSTS = { first: 4_000, every: 12_000, length: 3_000 } as const;

/** The `slow-tail` upstream's tail: the share of answers in it and its range, ms. */
export const TAIL = { share: 0.06, minMs: 300, maxMs: 1_500 } as const;

/** Every upstream's usual latency range, ms. */
export const BASE_LATENCY = { minMs: 5, maxMs: 15 } as const;

/**
 * What an upstream does `elapsedMs` into the run.
 *
 * @example
 * ```ts
 * phaseAt("outage", 12_000); // "down"
 * phaseAt("bursty", 5_000); // "503"
 * ```
 */
export function phaseAt(name: UpstreamName, elapsedMs: number): Phase {
  if (name === "outage")
    return elapsedMs >= OUTAGE.from && elapsedMs < OUTAGE.until ? "down" : "up";
  if (name === "bursty" && elapsedMs >= BURSTS.first) {
    return (elapsedMs - BURSTS.first) % BURSTS.every < BURSTS.length ? "503" : "up";
  }
  return "up";
}

/**
 * How long an upstream takes to answer one API request. Health checks skip the tail: a
 * health path is cheap, and the hub should judge the upstream by its answers.
 *
 * @example
 * ```ts
 * const ms = latencyMs("slow-tail", Math.random, false); // 5–15, or 300–1,500 for 6% of calls
 * ```
 */
export function latencyMs(name: UpstreamName, random: () => number, health: boolean): number {
  if (name === "slow-tail" && !health && random() < TAIL.share) {
    // Log-uniform: most of the tail near its start, some of it far out.
    return TAIL.minMs * (TAIL.maxMs / TAIL.minMs) ** random();
  }
  return BASE_LATENCY.minMs + (BASE_LATENCY.maxMs - BASE_LATENCY.minMs) * random();
}

/**
 * The times in `[0, durationMs)` at which any upstream changes phase, in order, for the
 * demo to announce them and to switch the `outage` server off and on.
 *
 * @example
 * ```ts
 * phaseChanges(20_000);
 * // [{ at: 4000, name: "bursty", phase: "503" }, { at: 7000, name: "bursty", phase: "up" }, …]
 * ```
 */
export function phaseChanges(
  durationMs: number,
): Array<{ at: number; name: UpstreamName; phase: Phase }> {
  const changes: Array<{ at: number; name: UpstreamName; phase: Phase }> = [
    { at: OUTAGE.from, name: "outage", phase: "down" },
    { at: OUTAGE.until, name: "outage", phase: "up" },
  ];
  for (let at = BURSTS.first; at < durationMs; at += BURSTS.every) {
    changes.push({ at, name: "bursty", phase: "503" });
    changes.push({ at: at + BURSTS.length, name: "bursty", phase: "up" });
  }
  return changes.filter((c) => c.at < durationMs).sort((a, b) => a.at - b.at);
}

/**
 * One line on what an upstream does, for the header of the live view.
 *
 * @example
 * ```ts
 * describeUpstream("outage"); // "down from 10 s to 30 s (connections refused)"
 * ```
 */
export function describeUpstream(name: UpstreamName): string {
  switch (name) {
    case "healthy":
      return `answers in ${BASE_LATENCY.minMs}–${BASE_LATENCY.maxMs} ms`;
    case "slow-tail":
      return `${TAIL.share * 100}% of answers take ${TAIL.minMs / 1000}–${TAIL.maxMs / 1000} s`;
    case "outage":
      return `down from ${OUTAGE.from / 1000} s to ${OUTAGE.until / 1000} s (connections refused)`;
    case "bursty":
      return `503 for ${BURSTS.length / 1000} s every ${BURSTS.every / 1000} s from ${BURSTS.first / 1000} s`;
  }
}
