/** What a chaos server did with one request. */
export type Fault =
  | "ok"
  | "reset-before-headers"
  | "close-before-headers"
  | "hang-before-headers"
  | "reset-mid-body"
  | "hang-mid-body"
  | "slow-drip"
  | "5xx"
  | "429"
  | "huge-headers"
  | "garbage-status"
  | "truncated-body"
  | "overlong-body"
  | "early-answer";

/** One request as a chaos server saw it. */
export interface RequestRecord {
  call: number;
  server: number;
  method: string;
  /** The client sent it as one that may be repeated (idempotent, keyed or opted in, and replayable). */
  repeatable: boolean;
  fault: Fault;
  /**
   * `pending` while the server holds it; `answered` once the server finished (or itself
   * broke) the exchange; `abandoned` when the client closed the connection first (a losing
   * hedge, a timeout, a cancelled body).
   */
  state: "pending" | "answered" | "abandoned";
}

/**
 * What the chaos servers of one run saw, by the call that sent each request (its
 * `x-chaos-call` header): the requests still held, how often each call that may not be
 * repeated arrived, bodies that arrived altered. It keeps no per-request history (only the
 * requests held now and a count per unrepeatable call), so heap measured during a run is
 * the client's.
 *
 * @example
 * ```ts
 * const ledger = new Ledger();
 * const a = await startChaosServer({ mode: "hang-mid-body", ledger, index: 0, seed: 1 });
 * // … run calls …
 * ledger.pending(); // → [] once every held request was closed by the client
 * ```
 */
export class Ledger {
  /** Requests that reached a server. */
  requests = 0;
  /** Requests the client closed before the server finished. */
  abandoned = 0;
  readonly #pending = new Set<RequestRecord>();
  /** Arrivals per call that may not be repeated. */
  readonly #unrepeatable = new Map<number, number>();
  readonly #altered: RequestRecord[] = [];
  /** Recent calls' requests with when they arrived, to explain a call that broke a rule. */
  readonly #trails = new Map<number, Array<{ at: number; record: RequestRecord }>>();

  open(record: Omit<RequestRecord, "state">): RequestRecord {
    const full: RequestRecord = { ...record, state: "pending" };
    this.requests++;
    const trail = this.#trails.get(record.call);
    if (trail === undefined)
      this.#trails.set(record.call, [{ at: performance.now(), record: full }]);
    else trail.push({ at: performance.now(), record: full });
    if (this.#trails.size > 1_000) this.#trails.delete(this.#trails.keys().next().value!);
    this.#pending.add(full);
    if (!record.repeatable) {
      this.#unrepeatable.set(record.call, (this.#unrepeatable.get(record.call) ?? 0) + 1);
    }
    return full;
  }

  /** The exchange ended: by the server (`answered`) or by the client (`abandoned`). */
  end(record: RequestRecord, state: "answered" | "abandoned"): void {
    if (record.state !== "pending") return;
    record.state = state;
    this.#pending.delete(record);
    if (state === "abandoned") this.abandoned++;
  }

  /** The request's body arrived, and differs from what the client says it sent. */
  altered(record: RequestRecord): void {
    this.#altered.push(record);
  }

  /** Requests a server still holds. */
  pending(): RequestRecord[] {
    return [...this.#pending];
  }

  /** Calls that may not be repeated but reached a server more than once, with how often. */
  repeated(): Array<[call: number, times: number]> {
    return [...this.#unrepeatable].filter(([, times]) => times > 1);
  }

  alteredBodies(): readonly RequestRecord[] {
    return this.#altered;
  }

  /**
   * What the servers did with a recent call's requests, with when each arrived relative to
   * `since` (`performance.now()` when the call started): `+12 ms s1 hang-mid-body abandoned`.
   */
  trail(call: number, since: number): string {
    const trail = this.#trails.get(call) ?? [];
    return (
      trail
        .map(
          ({ at, record: r }) => `+${Math.round(at - since)} ms s${r.server} ${r.fault} ${r.state}`,
        )
        .join(", ") || "no request reached a server"
    );
  }
}
