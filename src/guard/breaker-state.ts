import { describe } from "../options/validate";

/**
 * A breaker's state. `closed` lets calls through; `open` rejects them until `until`;
 * `half-open` lets up to `halfOpenProbes` probes through at once; `isolated` rejects
 * everything until reset by hand. `trips` counts consecutive trips (it sets the open
 * duration).
 *
 * @example
 * ```ts
 * if (state.kind === "open") console.log(`open until ${new Date(state.until)}`);
 * ```
 */
export type BreakerState =
  | { kind: "closed" }
  | { kind: "open"; since: number; until: number; trips: number }
  | { kind: "half-open"; since: number; probesInFlight: number }
  | { kind: "isolated" };

/**
 * A breaker's state as versioned plain JSON, for sharing across locations. The sliding
 * windows of the strategies stay local.
 *
 * @example
 * ```ts
 * const copy = JSON.parse(JSON.stringify(breaker.snapshot())) as BreakerSnapshot;
 * other.restore(copy, now);
 * ```
 */
export interface BreakerSnapshot {
  v: 1;
  state: BreakerState;
  /** Consecutive trips so far (decays while closed). */
  trips: number;
  /** Start of the closed stretch that trips are decaying over. */
  decayFrom: number;
}

function field(
  from: Record<string, unknown>,
  key: string,
  integer: boolean,
  where = "state.",
): number {
  const value = from[key];
  const ok = typeof value === "number" && Number.isFinite(value);
  if (ok && (!integer || (Number.isInteger(value) && value >= 0))) return value;
  const what = integer ? "an integer >= 0" : "a finite number";
  throw new TypeError(`breaker snapshot: ${where}${key} must be ${what}, got ${describe(value)}`);
}

function parseState(raw: unknown): BreakerState {
  if (raw === null || typeof raw !== "object") {
    throw new TypeError(`breaker snapshot: state must be an object, got ${describe(raw)}`);
  }
  const s = raw as Record<string, unknown>;
  switch (s.kind) {
    case "closed":
    case "isolated":
      return { kind: s.kind };
    case "open":
      return {
        kind: "open",
        since: field(s, "since", false),
        until: field(s, "until", false),
        trips: field(s, "trips", true),
      };
    case "half-open":
      return {
        kind: "half-open",
        since: field(s, "since", false),
        probesInFlight: field(s, "probesInFlight", true),
      };
    default:
      throw new TypeError(
        `breaker snapshot: state.kind must be "closed", "open", "half-open" or "isolated", got ${describe(s.kind)}`,
      );
  }
}

/**
 * Checks that `value` is a {@link BreakerSnapshot} of a version this code understands and
 * returns a clean copy; throws a `TypeError` naming the first bad field. Unknown extra
 * fields are dropped, so a newer writer can add some without breaking older readers.
 *
 * @example
 * ```ts
 * const snapshot = parseBreakerSnapshot(await response.json());
 * ```
 */
export function parseBreakerSnapshot(value: unknown): BreakerSnapshot {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new TypeError(`breaker snapshot must be an object, got ${describe(value)}`);
  }
  const raw = value as Record<string, unknown>;
  if (raw.v !== 1) throw new TypeError(`breaker snapshot: v must be 1, got ${describe(raw.v)}`);
  return {
    v: 1,
    state: parseState(raw.state),
    trips: field(raw, "trips", true, ""),
    decayFrom: field(raw, "decayFrom", false, ""),
  };
}
