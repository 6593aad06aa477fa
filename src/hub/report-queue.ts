/**
 * How one attempt's outcome counts in a report: a success; a `failure` answer (5xx, 408, 429:
 * evidence about the upstream itself, wherever it is called from); a `network` error (refused,
 * reset, DNS: evidence about the path from this location); a `timeout`.
 */
export type OutcomeKind = "success" | "failure" | "network" | "timeout";

/** Outcome counts of one upstream over one or more batches; every field sums. */
export interface OutcomeCounts {
  successes: number;
  failures: number;
  networkErrors: number;
  timeouts: number;
  /** Latency of the successes. */
  latencyCount: number;
  latencySum: number;
  latencyMax: number;
}

/** The outcomes of one report interval, per upstream URL. */
export interface Batch {
  readonly entries: Map<string, OutcomeCounts>;
  outcomes: number;
}

const newBatch = (): Batch => ({ entries: new Map(), outcomes: 0 });
const zero = (): OutcomeCounts => ({
  successes: 0,
  failures: 0,
  networkErrors: 0,
  timeouts: 0,
  latencyCount: 0,
  latencySum: 0,
  latencyMax: 0,
});

/**
 * Outcomes waiting to be reported, in bounded memory: the open batch (this interval's counts,
 * one entry per upstream), and at most `maxQueued` sealed batches not yet accepted by the hub.
 * When the hub cannot be reached for long, the oldest sealed batch is dropped for each new
 * one: what reaches the hub late is the most recent, which is what its window judges.
 *
 * @example
 * ```ts
 * const queue = new ReportQueue(30);
 * queue.record("https://a.internal", "success", 12);
 * queue.seal();
 * const { batches, entries } = queue.take();
 * // … posted and accepted:
 * queue.acknowledge(batches);
 * ```
 */
export class ReportQueue {
  #open: Batch = newBatch();
  readonly #sealed: Batch[] = [];
  readonly #maxQueued: number;

  constructor(maxQueued: number) {
    this.#maxQueued = maxQueued;
  }

  /** Outcomes in the open batch. */
  get openOutcomes(): number {
    return this.#open.outcomes;
  }

  /** Sealed batches waiting for the hub. */
  get queued(): number {
    return this.#sealed.length;
  }

  /** Counts one outcome; `latencyMs` is kept for successes. Returns the open batch's size. */
  record(url: string, kind: OutcomeKind, latencyMs: number): number {
    const open = this.#open;
    let counts = open.entries.get(url);
    if (counts === undefined) {
      counts = zero();
      open.entries.set(url, counts);
    }
    if (kind === "success") {
      counts.successes++;
      counts.latencyCount++;
      counts.latencySum += latencyMs;
      if (latencyMs > counts.latencyMax) counts.latencyMax = latencyMs;
    } else if (kind === "failure") counts.failures++;
    else if (kind === "network") counts.networkErrors++;
    else counts.timeouts++;
    return ++open.outcomes;
  }

  /** Closes the open batch (if it holds anything); returns the outcomes dropped to stay bounded. */
  seal(): number {
    if (this.#open.outcomes > 0) {
      this.#sealed.push(this.#open);
      this.#open = newBatch();
    }
    let dropped = 0;
    while (this.#sealed.length > this.#maxQueued) dropped += this.#sealed.shift()!.outcomes;
    return dropped;
  }

  /** Every sealed batch, merged per upstream (counts sum; the max is the max). */
  take(): { batches: Batch[]; entries: Map<string, OutcomeCounts>; outcomes: number } {
    const batches = [...this.#sealed];
    const entries = new Map<string, OutcomeCounts>();
    let outcomes = 0;
    for (const batch of batches) {
      outcomes += batch.outcomes;
      for (const [url, counts] of batch.entries) {
        const sum = entries.get(url);
        if (sum === undefined) entries.set(url, { ...counts });
        else add(sum, counts);
      }
    }
    return { batches, entries, outcomes };
  }

  /** Removes batches the hub accepted (or refused for good); ones dropped meanwhile are skipped. */
  acknowledge(batches: readonly Batch[]): void {
    for (const batch of batches) {
      const index = this.#sealed.indexOf(batch);
      if (index !== -1) this.#sealed.splice(index, 1);
    }
  }
}

function add(sum: OutcomeCounts, counts: OutcomeCounts): void {
  sum.successes += counts.successes;
  sum.failures += counts.failures;
  sum.networkErrors += counts.networkErrors;
  sum.timeouts += counts.timeouts;
  sum.latencyCount += counts.latencyCount;
  sum.latencySum += counts.latencySum;
  sum.latencyMax = Math.max(sum.latencyMax, counts.latencyMax);
}
