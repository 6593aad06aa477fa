import {
  type HealthStatus,
  type HealthUpstream,
  REMOTE_DOWN,
  REMOTE_DRAINED,
  REMOTE_NONE,
  REMOTE_TRICKLE,
  type RemoteGate,
} from "../health-source";
import type { RemoteSnapshot, RemoteUpstream } from "./snapshot";

/** Remote state older than this is ignored when neither the option nor the hub sets a TTL. */
export const DEFAULT_TTL = 30_000;

const GATE_NAMES = ["none", "down", "drained", "trickle"] as const;

/** What the client applies to one upstream, decided from the snapshot at one moment. */
export interface UpstreamDecision {
  gate: RemoteGate;
  verdict: HealthStatus["verdict"];
  scope: HealthStatus["scope"];
  drain: boolean;
  /** Local clock time of the evidence behind the verdict (for its age). */
  evidenceAt: number;
  /** Remote latency estimate, for seeding p2c. */
  latencyMs: number | null;
  /** Local clock time after which this decision must be made again (a location goes stale). */
  staleAt: number;
}

/**
 * Decides what to apply to one upstream. `hubNow` is the hub's time now, as estimated from
 * the snapshot (`generatedAt` plus the local time since it was received), so the ages of
 * location signals are measured on the hub's own clock, never across clocks. The location's
 * verdict wins while its newest signal is at most `ttl` old and it is not `unknown`; else the
 * global one. Drain beats any verdict; then the breaker hint: `open` → down, `half-open` →
 * trickle.
 *
 * @example
 * ```ts
 * const d = decideUpstream(remote, hubNow, clock.now(), lastContactAt, 30_000);
 * upstream.remote = d.gate;
 * ```
 */
export function decideUpstream(
  remote: RemoteUpstream,
  hubNow: number,
  now: number,
  confirmedAt: number,
  ttl: number,
): UpstreamDecision {
  const location = remote.location;
  const locationAge =
    location === undefined || location.signalAt === null ? Infinity : hubNow - location.signalAt;
  const local = location !== undefined && location.verdict !== "unknown" && locationAge <= ttl;
  const chosen = local ? location : remote.global;
  const hint = chosen.breakerHint;
  const gate = remote.drain
    ? REMOTE_DRAINED
    : hint === "open"
      ? REMOTE_DOWN
      : hint === "half-open"
        ? REMOTE_TRICKLE
        : REMOTE_NONE;
  return {
    gate,
    verdict: chosen.verdict,
    scope: local ? "location" : "global",
    drain: remote.drain,
    evidenceAt: local ? now - Math.max(0, locationAge) : confirmedAt,
    latencyMs: chosen.latencyMs ?? remote.global.latencyMs,
    staleAt: local ? now + (ttl - locationAge) : Infinity,
  };
}

/**
 * The remote state held for a client's upstreams: applies a snapshot's decisions to the
 * upstreams' gates, seeds the p2c estimate of upstreams without local samples, and drops it
 * all once the snapshot is older than its TTL.
 *
 * @example
 * ```ts
 * const state = new RemoteState(undefined);
 * state.receive(snapshot, clock.now());
 * state.apply(host.pool.list, clock.now());
 * ```
 */
export class RemoteState {
  #snapshot: RemoteSnapshot | undefined;
  /** Local time the snapshot's body arrived (a 200). */
  #receivedAt = 0;
  /** Local time the hub last confirmed it (a 200 or a 304). */
  #confirmedAt = 0;
  #decisions = new Map<string, UpstreamDecision>();
  #reapplyAt = Infinity;
  readonly #ttlOption: number | undefined;

  constructor(ttl: number | undefined) {
    this.#ttlOption = ttl;
  }

  /** The TTL in force: the option, else the hub's, else {@link DEFAULT_TTL}. */
  get ttl(): number {
    return this.#ttlOption ?? this.#snapshot?.ttlMs ?? DEFAULT_TTL;
  }

  get snapshot(): RemoteSnapshot | undefined {
    return this.#snapshot;
  }

  /** A new snapshot body arrived (200). */
  receive(snapshot: RemoteSnapshot, now: number): void {
    this.#snapshot = snapshot;
    this.#receivedAt = now;
    this.#confirmedAt = now;
  }

  /** The hub confirmed the snapshot held is still current (304). */
  confirm(now: number): void {
    if (this.#snapshot !== undefined) this.#confirmedAt = now;
  }

  /** Whether the held decisions must be made again (a location verdict or the whole snapshot aged out). */
  due(now: number): boolean {
    return now >= this.#reapplyAt;
  }

  /** The decision applied to an upstream, `undefined` without one. */
  decision(base: string): UpstreamDecision | undefined {
    return this.#decisions.get(base);
  }

  /** Status for `stats()`. */
  status(base: string, now: number): HealthStatus | undefined {
    const d = this.#decisions.get(base);
    if (d === undefined) return undefined;
    return {
      verdict: d.verdict,
      scope: d.scope,
      ageMs: Math.max(0, now - d.evidenceAt),
      drain: d.drain,
      gate: GATE_NAMES[d.gate],
    };
  }

  /**
   * Decides and sets every upstream's gate from the snapshot held. With no snapshot, or one
   * older than the TTL, every gate opens again: local state alone decides. When the hub has
   * drained every upstream the client knows, the drains are ignored rather than leave it
   * nothing to call. Returns the upstreams kept from new calls.
   */
  apply(upstreams: readonly HealthUpstream[], now: number): string[] {
    const snapshot = this.#snapshot;
    const ttl = this.ttl;
    this.#decisions = new Map();
    this.#reapplyAt = Infinity;
    if (snapshot === undefined || now - this.#confirmedAt > ttl) {
      for (const upstream of upstreams) upstream.remote = REMOTE_NONE;
      return [];
    }
    this.#reapplyAt = this.#confirmedAt + ttl + 1;
    const hubNow = snapshot.generatedAt + (now - this.#receivedAt);
    const byUrl = new Map(snapshot.upstreams.map((remote) => [remote.url, remote]));
    let drained = 0;
    let known = 0;
    for (const upstream of upstreams) {
      const remote = byUrl.get(upstream.base);
      if (remote === undefined) continue;
      const decision = decideUpstream(remote, hubNow, now, this.#confirmedAt, ttl);
      this.#decisions.set(upstream.base, decision);
      if (decision.staleAt < this.#reapplyAt) this.#reapplyAt = decision.staleAt;
      known++;
      if (decision.gate === REMOTE_DRAINED) drained++;
    }
    const allDrained = known > 0 && drained === upstreams.length;
    const excluded: string[] = [];
    for (const upstream of upstreams) {
      const decision = this.#decisions.get(upstream.base);
      let gate = decision?.gate ?? REMOTE_NONE;
      if (gate === REMOTE_DRAINED && allDrained) gate = REMOTE_NONE;
      upstream.remote = gate;
      if (gate === REMOTE_DOWN || gate === REMOTE_DRAINED) excluded.push(upstream.base);
      const latency = decision?.latencyMs;
      if (latency != null && !upstream.ewma.hasHistory) upstream.ewma.observe(latency, now);
    }
    return excluded;
  }
}
