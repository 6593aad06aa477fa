import type { Random } from "../random";
import type { ResolvedBreakerOptions } from "./breaker-options";
import { type BreakerSnapshot, type BreakerState, parseBreakerSnapshot } from "./breaker-state";
import { type BreakerStrategy, createStrategies } from "./breaker-strategy";
import type { Classification } from "./classify";
import { openDuration } from "./open-duration";
import { ADMIT, type Permit, PROBE, REJECT } from "./permit";

/**
 * Called on every state change (never otherwise), after the breaker is fully in its new
 * state. Reasons: a strategy name (`"consecutive-failures"`, `"failure-rate"`,
 * `"slow-call-rate"`), `"open-elapsed"`, `"probe-failed"`, `"probes-succeeded"`,
 * `"isolated"`, `"reset"`, `"restored"`.
 *
 * @example
 * ```ts
 * const log: TransitionListener = (from, to, reason) => console.log(from.kind, "→", to.kind, reason);
 * ```
 */
export type TransitionListener = (
  from: BreakerState,
  to: BreakerState,
  reason: string,
  now: number,
) => void;

type Kind = BreakerState["kind"];

/**
 * A per-upstream circuit breaker with no timers: every method takes `now` (ms) and the
 * open → half-open step happens lazily, in `admit` or `update` at or after `until`. `admit`, `peek`,
 * `record` and `release` allocate nothing.
 *
 * @example
 * ```ts
 * const breaker = new CircuitBreaker(resolveBreakerOptions({}) as ResolvedBreakerOptions, random);
 * const permit = breaker.admit(clock.now());
 * if (permit === REJECT) throw new CircuitOpenError(upstream);
 * const started = clock.now();
 * const response = await next(call);
 * const end = clock.now();
 * breaker.record(permit, options.classify({ status: response.status }), end - started, end);
 * ```
 */
export class CircuitBreaker {
  #current: Kind = "closed";
  #since = 0;
  #until = 0;
  #tripCount = 0;
  #decayFrom = 0;
  #probes = 0;
  #probeSuccesses = 0;
  #lastProbeAt = 0;
  #generation = 0;
  readonly #strategies: BreakerStrategy[];
  readonly #options: ResolvedBreakerOptions;
  readonly #random: Random;
  readonly #onTransition: TransitionListener | undefined;

  constructor(options: ResolvedBreakerOptions, random: Random, onTransition?: TransitionListener) {
    this.#options = options;
    this.#random = random;
    this.#onTransition = onTransition;
    this.#strategies = createStrategies(options);
  }

  /** The state's kind, without allocating (use this on hot paths rather than `state`). */
  get kind(): Kind {
    return this.#current;
  }

  /** The current state as a fresh object (allocates; for stats and events). */
  get state(): BreakerState {
    switch (this.#current) {
      case "open":
        return { kind: "open", since: this.#since, until: this.#until, trips: this.#tripCount };
      case "half-open":
        return { kind: "half-open", since: this.#since, probesInFlight: this.#probes };
      default:
        return { kind: this.#current };
    }
  }

  /**
   * Asks to make a call at `now`: `REJECT` (0), or a permit to hand back to `record` or
   * `release` exactly once. An open breaker whose time is up turns half-open here.
   */
  admit(now: number): Permit {
    if (this.#current === "closed") {
      if (this.#tripCount > 0) this.#decay(now);
      return this.#generation * 4 + ADMIT;
    }
    if (this.#current !== "half-open" && !this.update(now)) return REJECT;
    if (this.#probes >= this.#options.halfOpenProbes) {
      if (now - this.#lastProbeAt < this.#options.probeTimeout) return REJECT;
      // Probes that never came back (e.g. their invocation was cut off) must not wedge the
      // breaker half-open: forget them, and ignore them should they still report.
      this.#generation++;
      this.#probes = 0;
    }
    this.#probes++;
    this.#lastProbeAt = now;
    return this.#generation * 4 + PROBE;
  }

  /**
   * Applies what time alone changes: an open breaker whose interval is over turns half-open
   * at `now` (emitting the transition). `admit` does this too; call it wherever the state is
   * read without a call being made (stats, eligibility), so that an upstream nobody picks
   * does not stay "open" forever. Returns whether the breaker is half-open afterwards.
   */
  update(now: number): boolean {
    if (this.#current === "open" && now >= this.#until) {
      const from = this.#before();
      this.#probes = 0;
      this.#probeSuccesses = 0;
      this.#since = now;
      this.#move("half-open", "open-elapsed", now, from);
    }
    return this.#current === "half-open";
  }

  /**
   * Forgets what the strategies counted (failure streaks, windows) without changing the state
   * or the trip count: another guard took the upstream out for those failures, so they must
   * not open this breaker as well.
   */
  clearCounts(): void {
    for (const strategy of this.#strategies) strategy.reset();
  }

  /** Whether `admit(now)` would let a call through, without changing anything. */
  peek(now: number): boolean {
    switch (this.#current) {
      case "closed":
        return true;
      case "open":
        return now >= this.#until;
      case "half-open":
        return (
          this.#probes < this.#options.halfOpenProbes ||
          now - this.#lastProbeAt >= this.#options.probeTimeout
        );
      default:
        return false;
    }
  }

  /**
   * Reports how an admitted call went. `"ignore"` (or any unknown classification) only
   * releases the permit. Outcomes of calls admitted under an earlier state are dropped.
   */
  record(permit: Permit, classification: Classification, durationMs: number, now: number): void {
    const success = classification === "success";
    if (!success && classification !== "failure") {
      this.release(permit);
      return;
    }
    const kind = permit % 4;
    if ((permit - kind) / 4 !== this.#generation) return;
    if (kind === PROBE) {
      if (this.#current !== "half-open") return;
      this.#probes--;
      if (!success) this.#trip("probe-failed", now);
      else if (++this.#probeSuccesses >= this.#options.halfOpenProbes)
        this.#close("probes-succeeded", now);
      return;
    }
    if (kind !== ADMIT || this.#current !== "closed") return;
    if (this.#tripCount > 0) this.#decay(now);
    let reason: string | undefined;
    const strategies = this.#strategies;
    for (let i = 0; i < strategies.length; i++) {
      const strategy = strategies[i]!;
      const open = success
        ? strategy.onSuccess(durationMs, now)
        : strategy.onFailure(durationMs, now);
      if (open && reason === undefined) reason = strategy.name;
    }
    if (reason !== undefined) this.#trip(reason, now);
  }

  /** Hands back a permit whose call ended without saying anything about the upstream. */
  release(permit: Permit): void {
    const kind = permit % 4;
    if (kind !== PROBE || (permit - kind) / 4 !== this.#generation) return;
    if (this.#current === "half-open" && this.#probes > 0) this.#probes--;
  }

  /** Rejects every call from now on, until `reset`. */
  isolate(now: number): void {
    if (this.#current !== "isolated") this.#move("isolated", "isolated", now, this.#before());
  }

  /** Closes the breaker and forgets all trips and counts. */
  reset(now: number): void {
    this.#tripCount = 0;
    if (this.#current === "closed") {
      this.clearCounts();
    } else {
      this.#close("reset", now);
    }
  }

  /** The state as versioned plain JSON (see {@link BreakerSnapshot}). */
  snapshot(): BreakerSnapshot {
    return { v: 1, state: this.state, trips: this.#tripCount, decayFrom: this.#decayFrom };
  }

  /**
   * Adopts a snapshot (e.g. from another location); throws a `TypeError` if it is not a
   * valid version-1 snapshot. Probes in flight elsewhere do not count here.
   */
  restore(snapshot: unknown, now: number): void {
    const { state, trips, decayFrom } = parseBreakerSnapshot(snapshot);
    const from = this.#before();
    const previous = this.#current;
    this.#tripCount = trips;
    this.#decayFrom = decayFrom;
    if (state.kind === "open") {
      this.#since = state.since;
      this.#until = state.until;
    } else if (state.kind === "half-open") {
      this.#since = state.since;
      this.#probes = 0;
      this.#probeSuccesses = 0;
      this.#lastProbeAt = now;
    }
    if (state.kind === "closed" && previous === "closed") return;
    if (state.kind === "closed") this.clearCounts();
    this.#current = state.kind;
    this.#generation++;
    if (from && previous !== state.kind) this.#onTransition!(from, this.state, "restored", now);
  }

  #trip(reason: string, now: number): void {
    const from = this.#before();
    this.#tripCount++;
    this.#since = now;
    this.#until = now + openDuration(this.#tripCount, this.#options.openFor, this.#random);
    this.#move("open", reason, now, from);
  }

  #close(reason: string, now: number): void {
    const from = this.#before();
    this.#decayFrom = now;
    this.clearCounts();
    this.#move("closed", reason, now, from);
  }

  /** Lowers trips by one per `decayAfter` ms spent closed since `decayFrom`. */
  #decay(now: number): void {
    const step = this.#options.openFor.decayAfter;
    const steps = Math.floor((now - this.#decayFrom) / step);
    if (steps < 1) return;
    this.#tripCount = steps >= this.#tripCount ? 0 : this.#tripCount - steps;
    this.#decayFrom += steps * step;
  }

  /** The state before a change, built only when someone listens. */
  #before(): BreakerState | undefined {
    return this.#onTransition ? this.state : undefined;
  }

  #move(to: Kind, reason: string, now: number, from: BreakerState | undefined): void {
    this.#current = to;
    this.#generation++;
    if (from) this.#onTransition!(from, this.state, reason, now);
  }
}
