import type { ResolvedBalancerOptions } from "../balancer/balancer-options";
import type { Picker } from "../balancer/picker";
import { createPicker } from "../balancer/picker";
import { slowStartWeight } from "../balancer/slow-start";
import type { Clock } from "../clock";
import { CircuitOpenError } from "../errors/circuit-open-error";
import { NoUpstreamError } from "../errors/no-upstream-error";
import type { Emitter } from "../events";
import { AvailabilityTracker } from "../guard/availability-tracker";
import type { ResolvedBreakerOptions } from "../guard/breaker-options";
import type { BreakerState } from "../guard/breaker-state";
import { CircuitBreaker } from "../guard/circuit-breaker";
import { type Classification, type Classifier, classify } from "../guard/classify";
import { OutlierDetector } from "../guard/outlier-detector";
import type { ResolvedOutlierOptions } from "../guard/outlier-options";
import { panicMode } from "../guard/panic-mode";
import { type Permit, REJECT } from "../guard/permit";
import { type HealthSession, REMOTE_DRAINED, REMOTE_NONE, REMOTE_TRICKLE } from "../health-source";
import type { Random } from "../random";
import { PeakEwma } from "../stats/peak-ewma";
import type { Call } from "../types";
import type { Upstream } from "./upstream";
import type { UpstreamPool } from "./upstream-pool";

/** Health settings of a {@link Fleet}, resolved. */
export interface FleetOptions {
  balancer: ResolvedBalancerOptions;
  breaker: ResolvedBreakerOptions | false;
  outlier: ResolvedOutlierOptions | false;
  /** Below this share of healthy upstreams, ejection is ignored (Envoy's panic threshold). */
  panicThreshold: number;
}

/**
 * Everything the client knows about the health of its upstreams, shared by the `balance`
 * and `guard` layers: per-upstream breakers, outlier ejection across upstreams, slow start,
 * availability figures, and the picker. Pure state on injected time; no timers.
 *
 * @example
 * ```ts
 * const fleet = new Fleet(pool, options, clock, random, events);
 * const upstream = fleet.pick(call, clock.now()); // sets call.permit
 * fleet.record(call, upstream, { status: 200 }, 12, clock.now());
 * ```
 */
export class Fleet {
  readonly picker: Picker;
  /** Told every recorded outcome (the health source's reports); set by `createClient`. */
  observer: Pick<HealthSession, "record"> | undefined;
  readonly detector: OutlierDetector<Upstream> | undefined;
  readonly #classify: Classifier;
  // Reused for every pick: picks are synchronous, so one array serves all calls.
  readonly #scratch: Upstream[] = [];

  readonly #clock: Clock;
  readonly #random: Random;
  readonly #events: Emitter;

  constructor(
    readonly pool: UpstreamPool,
    readonly options: FleetOptions,
    clock: Clock,
    random: Random,
    events: Emitter,
  ) {
    this.#clock = clock;
    this.#random = random;
    this.#events = events;
    this.picker = createPicker(options.balancer.balancer);
    this.#classify = options.breaker === false ? classify : options.breaker.classify;
    if (options.outlier !== false) {
      this.detector = new OutlierDetector<Upstream>(options.outlier, {
        onEject: (upstream, reason, until, at) => this.#ejected(upstream, reason, until, at),
        onReadmit: (upstream, at) => this.#readmitted(upstream, at),
      });
    }
    // Upstreams present from the start take a full share at once; ones added later ramp up.
    for (const upstream of pool.list) this.#attach(upstream, -Infinity);
    pool.onChange((added, removed) => {
      for (const upstream of removed) this.detector?.remove(upstream);
      for (const upstream of added) this.#attach(upstream, clock.now());
    });
  }

  /**
   * Picks the upstream for this attempt and takes its breaker permit. Throws
   * `CircuitOpenError` when every eligible upstream's breaker refuses, `NoUpstreamError`
   * when none is eligible at all.
   */
  pick(call: Call, now: number): Upstream {
    const list = this.pool.list;
    let healthy = 0;
    for (const upstream of list) {
      this.refresh(upstream, now);
      if (
        this.#admissible(upstream, now) &&
        !this.isEjected(upstream, now) &&
        upstream.remote === REMOTE_NONE
      )
        healthy++;
    }
    const panic = panicMode(healthy, list.length, this.options.panicThreshold);
    const pinned = call.attempt === 1 ? call.pinned : undefined;
    if (pinned !== undefined && list.includes(pinned) && this.#eligible(pinned, now, panic)) {
      const permit = this.#admit(pinned, now);
      if (permit !== REJECT) {
        call.permit = permit;
        return pinned;
      }
    }
    const tried = call.tried;
    const last = tried.length > 0 ? tried[tried.length - 1] : undefined;
    // Untried first; then anything but the upstream that just failed; then anything.
    for (let pass = 0; pass < 3; pass++) {
      let count = this.#collect(
        list,
        now,
        panic,
        pass === 0 ? tried : undefined,
        pass === 1 ? last : undefined,
      );
      while (count > 0) {
        const index = this.picker.pick(this.#scratch, count, this.#random, now);
        const chosen = this.#scratch[index]!;
        const permit = this.#admit(chosen, now);
        if (permit !== REJECT) {
          this.#scratch.fill(undefined as unknown as Upstream, 0, count);
          call.permit = permit;
          return chosen;
        }
        // Its half-open probe slots filled up since the check: drop it and pick again.
        this.#scratch[index] = this.#scratch[--count]!;
      }
    }
    this.#scratch.length = 0;
    throw this.#noneEligible(call, now);
  }

  /** Learns from a finished attempt: breaker, ejection, latency, counters. */
  record(
    call: Call,
    upstream: Upstream,
    outcome: Parameters<Classifier>[0],
    durationMs: number,
    now: number,
  ): Classification {
    const classification = this.#classify(outcome);
    this.observer?.record(upstream, classification, outcome, durationMs, now);
    const permit = call.permit;
    call.permit = REJECT;
    if (upstream.breaker !== undefined && permit !== REJECT) {
      upstream.breaker.record(permit, classification, durationMs, now);
    }
    if (classification === "ignore") return classification;
    if (this.detector !== undefined && upstream.outlierIndex !== -1) {
      this.detector.record(upstream.outlierIndex, classification, now, now - durationMs);
    }
    if (classification === "success") {
      upstream.successes++;
      upstream.ewma.observe(durationMs, now);
      if (outcome.status !== undefined) upstream.latency.record(durationMs, now);
    } else {
      upstream.failures++;
      upstream.ewma.observe(Math.max(durationMs, this.failureCharge(upstream, call, now)), now);
    }
    return classification;
  }

  /**
   * The latency a failed attempt counts as in the peak-EWMA estimate, so that a fast failure
   * does not look like a fast upstream to p2c.
   *
   * With a breaker or outlier detection on, twice the costliest other upstream's estimate
   * (at most the attempt timeout, capped at 1 s): a failure costs about what a retry
   * elsewhere costs. That moves traffic away without starving the upstream: with several
   * calls in flight the guard still gets the few failures it counts (5 in a row by default)
   * within milliseconds, then takes the upstream out, records the outage and lets it back in
   * after one open interval. A flat 1 s charge (the earlier rule) made p2c shun an upstream
   * after its first failure: a dead one was then never taken out, showed as up in `stats()`,
   * and won its share back only as the charge decayed, over ~20 s after it recovered
   * (see bench/failover.ts).
   *
   * With neither, the balancer alone keeps traffic off failing upstreams, so a failure is
   * charged the full cap.
   */
  private failureCharge(upstream: Upstream, call: Call, now: number): number {
    const cap = Math.min(call.attemptTimeout, 1_000);
    if (this.options.breaker === false && this.detector === undefined) return cap;
    let reference = 0;
    for (const other of this.pool.list) {
      if (other !== upstream && other.ewma.hasHistory) {
        reference = Math.max(reference, other.ewma.valueAt(now));
      }
    }
    // Nothing to compare with yet (the others' first answers are still out): the guard will
    // stop a dead upstream after a handful of fast failures.
    return Math.min(cap, 2 * reference);
  }

  /** The upstream's health as one word, for stats. */
  stateOf(upstream: Upstream, now: number): "up" | "ejected" | BreakerState["kind"] {
    const breaker = upstream.breaker;
    if (breaker !== undefined) {
      breaker.peek(now);
      if (breaker.kind !== "closed") return breaker.kind;
    }
    return this.isEjected(upstream, now) ? "ejected" : "up";
  }

  isEjected(upstream: Upstream, now: number): boolean {
    return (
      this.detector !== undefined &&
      upstream.outlierIndex !== -1 &&
      this.detector.isEjected(upstream.outlierIndex, now)
    );
  }

  #attach(upstream: Upstream, healthySince: number): void {
    upstream.healthySince = healthySince;
    upstream.ewma = new PeakEwma(this.options.balancer.ewma);
    upstream.availability = new AvailabilityTracker(this.#clock.now());
    if (this.options.breaker !== false) {
      upstream.breaker = new CircuitBreaker(
        this.options.breaker,
        this.#random,
        (from, to, reason, when) => this.#transition(upstream, from, to, reason, when),
      );
    }
    if (this.detector !== undefined) upstream.outlierIndex = this.detector.add(upstream);
  }

  /** Brings an upstream's in-flight count and slow-start weight up to `now` (picks, stats). */
  refresh(upstream: Upstream, now: number): void {
    upstream.inFlight = upstream.pending.count(now);
    const slowStart = this.options.balancer.slowStart;
    upstream.weight = slowStartWeight(
      upstream.configuredWeight,
      upstream.healthySince,
      now,
      slowStart.window,
      slowStart.aggression,
      slowStart.minWeightPercent,
    );
  }

  #admissible(upstream: Upstream, now: number): boolean {
    return upstream.breaker === undefined || upstream.breaker.peek(now);
  }

  // A remote "down" works like an ejection (panic mode overrides it), a drain even in panic.
  #eligible(upstream: Upstream, now: number, panic: boolean): boolean {
    const remote = upstream.remote;
    return (
      this.#admissible(upstream, now) &&
      remote !== REMOTE_DRAINED &&
      (panic ||
        (!this.isEjected(upstream, now) &&
          (remote === REMOTE_NONE || (remote === REMOTE_TRICKLE && upstream.inFlight === 0))))
    );
  }

  #admit(upstream: Upstream, now: number): Permit {
    return upstream.breaker === undefined ? 1 : upstream.breaker.admit(now);
  }

  #collect(
    list: readonly Upstream[],
    now: number,
    panic: boolean,
    exclude: readonly Upstream[] | undefined,
    avoid: Upstream | undefined,
  ): number {
    let count = 0;
    for (const upstream of list) {
      if (upstream === avoid || exclude?.includes(upstream)) continue;
      if (this.#eligible(upstream, now, panic)) this.#scratch[count++] = upstream;
    }
    return count;
  }

  #noneEligible(call: Call, now: number): Error {
    const list = this.pool.list;
    const urls = list.map((upstream) => upstream.base);
    if (list.length === 0) return new NoUpstreamError("none configured", call.scope.attempts, urls);
    let retryAt = Infinity;
    let refused = false;
    for (const upstream of list) {
      const state = upstream.breaker?.state;
      if (state === undefined || state.kind === "closed") continue;
      refused = true;
      if (state.kind === "open") retryAt = Math.min(retryAt, state.until);
    }
    if (refused) {
      return new CircuitOpenError(
        call.scope.attempts,
        urls,
        Number.isFinite(retryAt) ? retryAt : undefined,
      );
    }
    return new NoUpstreamError(`every upstream is excluded at ${now}`, call.scope.attempts, urls);
  }

  #transition(
    upstream: Upstream,
    from: BreakerState,
    to: BreakerState,
    reason: string,
    now: number,
  ): void {
    if (to.kind === "open" || to.kind === "isolated") {
      upstream.availability?.markDown(now, `breaker ${to.kind}: ${reason}`);
    } else if (to.kind === "closed" && !this.isEjected(upstream, now)) {
      if (upstream.availability?.markUp(now)) upstream.healthySince = now;
    }
    if (this.#events.has("breaker")) {
      this.#events.emit("breaker", {
        upstream: upstream.base,
        from: from.kind,
        to: to.kind,
        reason,
        at: now,
        state: to,
      });
    }
  }

  #ejected(upstream: Upstream, reason: string, until: number, now: number): void {
    upstream.availability?.markDown(now, `ejected: ${reason}`);
    if (this.#events.has("eject"))
      this.#events.emit("eject", { upstream: upstream.base, reason, until, at: now });
  }

  #readmitted(upstream: Upstream, now: number): void {
    const breaker = upstream.breaker;
    if (
      (breaker === undefined || breaker.kind === "closed") &&
      upstream.availability?.markUp(now)
    ) {
      upstream.healthySince = now;
    }
    if (this.#events.has("readmit"))
      this.#events.emit("readmit", { upstream: upstream.base, at: now });
  }
}
