import type { ResolvedBalancerOptions } from "../balancer/balancer-options";
import type { Picker } from "../balancer/picker";
import { createPicker } from "../balancer/picker";
import { slowStartFactor } from "../balancer/slow-start";
import type { Clock } from "../clock";
import type { Emitter } from "../events";
import { AvailabilityTracker } from "../guard/availability-tracker";
import type { ResolvedBreakerOptions } from "../guard/breaker-options";
import type { BreakerState } from "../guard/breaker-state";
import { CircuitBreaker } from "../guard/circuit-breaker";
import { type Classification, type Classifier, classify } from "../guard/classify";
import { OutlierDetector, type OutlierEvents } from "../guard/outlier-detector";
import type { ResolvedOutlierOptions } from "../guard/outlier-options";
import { panicMode } from "../guard/panic-mode";
import { REJECT } from "../guard/permit";
import { type HealthSession, REMOTE_DRAINED, REMOTE_NONE, REMOTE_TRICKLE } from "../health-source";
import type { Random } from "../random";
import { PeakEwma } from "../stats/peak-ewma";
import type { Call } from "../types";
import { chargeFailure } from "./failure-charge";
import { noneEligible } from "./none-eligible";
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
 * Recovery is as fast as detection (DESIGN.md). A guard takes an upstream out (breaker open,
 * ejected) once per failure streak: attempts sent before that count towards neither guard,
 * and each clears the other's count of the streak. When its open or ejection interval ends
 * (noticed on the next pick or `stats()`, not only when the upstream is picked), it is owed
 * a probe: the next attempt goes to it whatever the picker would say. Its latency estimate
 * is dropped then, so that it is judged on the probe. A successful breaker probe ends an
 * ejection too. Back in service, slow start ramps its share up. Eligibility is decided in
 * one place (`#eligible`) and outcomes are learnt in one (`record`).
 *
 * @example
 * ```ts
 * const fleet = new Fleet(pool, options, clock, random, events);
 * const upstream = fleet.pick(call, clock.now()); // sets call.permit
 * fleet.record(call, upstream, { status: 200 }, 12, clock.now());
 * ```
 */
export class Fleet implements OutlierEvents<Upstream> {
  /** Told every recorded outcome (the health source's reports); set by `createClient`. */
  observer: Pick<HealthSession, "record"> | undefined;
  readonly #picker: Picker;
  readonly #detector: OutlierDetector<Upstream> | undefined;
  readonly #options: FleetOptions;
  readonly #classify: Classifier;
  // Reused for every pick: picks are synchronous, so one array serves all calls.
  readonly #scratch: Upstream[] = [];
  // Slow start thins a ramping upstream's picks rather than lowering its weight (see #collect).
  readonly #thin: boolean;

  readonly #clock: Clock;
  readonly #random: Random;
  readonly #events: Emitter;

  constructor(
    readonly pool: UpstreamPool,
    options: FleetOptions,
    clock: Clock,
    random: Random,
    events: Emitter,
  ) {
    this.#options = options;
    this.#clock = clock;
    this.#random = random;
    this.#events = events;
    this.#picker = createPicker(options.balancer.balancer);
    this.#thin = !this.#picker.proportional;
    this.#classify = options.breaker === false ? classify : options.breaker.classify;
    if (options.outlier !== false) {
      this.#detector = new OutlierDetector<Upstream>(options.outlier, this);
    }
    // Upstreams present from the start take a full share at once; ones added later ramp up.
    for (const upstream of pool.list) this.#attach(upstream, -Infinity);
    pool.onChange((added, removed) => {
      for (const upstream of removed) {
        // Its detector slot goes to a newcomer, and no late outcome of it may count anywhere.
        this.#detector?.remove(upstream.outlierIndex);
        upstream.outlierIndex = -1;
        upstream.outSince = Infinity;
      }
      for (const upstream of added) this.#attach(upstream, clock.now());
    });
  }

  /**
   * Picks the upstream for this attempt and takes its breaker permit. Throws
   * `CircuitOpenError` when every eligible upstream's breaker refuses, `NoUpstreamError`
   * when none is eligible at all.
   */
  pick(call: Call, now: number): Upstream {
    const upstream = this.pickApart(call, now);
    if (upstream === undefined) throw noneEligible(this.pool.list, call.scope.attempts, now);
    return upstream;
  }

  /**
   * Like {@link pick}, but returns `undefined` when no upstream can take the attempt. With
   * `busy` (for a hedge: the upstreams the call's other attempts in this group went to), the
   * attempt goes to none of them, preferably to one the call has not tried.
   */
  pickApart(
    call: Call,
    now: number,
    busy?: ReadonlyArray<Upstream | undefined>,
  ): Upstream | undefined {
    const list = this.pool.list;
    let healthy = 0;
    let probe: Upstream | undefined;
    for (const upstream of list) {
      this.refresh(upstream, now);
      if (this.#eligible(upstream, now, false)) {
        healthy++;
        // Owed a probe: its open or ejection interval is over.
        if (upstream.probeDue || upstream.breaker?.kind === "half-open") probe ??= upstream;
      }
    }
    const panic = panicMode(healthy, list.length, this.#options.panicThreshold);
    const tried = call.tried;
    const pinned = call.attempt === 1 ? call.pinned : undefined;
    if (pinned !== undefined && list.includes(pinned) && this.#eligible(pinned, now, panic)) {
      if (this.#take(call, pinned, now)) return pinned;
    }
    // An upstream whose open or ejection interval is over gets the next attempt, whatever its
    // estimate or weight says: it is out until a probe shows it healthy.
    if (probe !== undefined && !tried.includes(probe) && this.#take(call, probe, now)) return probe;
    const last = tried.at(-1);
    // Untried first; then anything but the upstream that just failed; then (not for a hedge,
    // which goes apart from the others or not at all) anything.
    for (let pass = 0; pass < (busy === undefined ? 3 : 2); pass++) {
      let count = this.#collect(
        list,
        now,
        panic,
        pass === 0 ? tried : busy,
        pass === 1 ? last : undefined,
        this.#thin,
      );
      while (count > 0) {
        const index = this.#picker.pick(this.#scratch, count, this.#random, now);
        const chosen = this.#scratch[index]!;
        if (this.#take(call, chosen, now)) {
          this.#scratch.fill(undefined as unknown as Upstream, 0, count);
          return chosen;
        }
        // Its half-open probe slots filled up since the check: drop it and pick again.
        this.#scratch[index] = this.#scratch[--count]!;
      }
    }
    this.#scratch.length = 0;
    return undefined;
  }

  /**
   * Learns from a finished attempt: breaker, ejection, latency, counters. One failure streak
   * takes an upstream out once: an attempt sent before a guard took the upstream out counts
   * towards neither guard (it belongs to the streak already acted on), and the detector
   * counts only ordinary calls through a closed breaker (a probe's outcome is the breaker's).
   * Attempts to an upstream `setUpstreams` removed count towards no guard (its `outSince` is
   * `Infinity`), and nothing else reads its figures.
   */
  record(
    call: Call,
    upstream: Upstream,
    outcome: Parameters<Classifier>[0],
    durationMs: number,
    now: number,
  ): Classification {
    const permit = call.permit;
    call.permit = REJECT;
    const classification = this.#classify(outcome);
    this.observer?.record(upstream, classification, outcome, durationMs, now);
    const breaker = upstream.breaker;
    const startedAt = now - durationMs;
    const old = startedAt < upstream.outSince;
    if (breaker !== undefined && permit !== REJECT) {
      if (old) breaker.release(permit);
      else breaker.record(permit, classification, durationMs, now);
    }
    if (classification === "ignore") return classification;
    if (
      this.#detector !== undefined &&
      upstream.outlierIndex !== -1 &&
      !old &&
      (breaker === undefined || breaker.kind === "closed")
    ) {
      this.#detector.record(upstream.outlierIndex, classification, now, startedAt);
    }
    if (classification === "success") {
      upstream.successes++;
      upstream.ewma.observe(durationMs, now);
      if (outcome.status !== undefined) upstream.latency.record(durationMs, now);
    } else {
      upstream.failures++;
      const guarded = this.#options.breaker !== false || this.#detector !== undefined;
      chargeFailure(upstream, this.pool.list, durationMs, call.attemptTimeout, guarded, now);
    }
    return classification;
  }

  /** The upstream's health as one word, as of `now` once {@link refresh} has run, for stats. */
  stateOf(upstream: Upstream, now: number): "up" | "ejected" | BreakerState["kind"] {
    const kind = upstream.breaker?.kind;
    if (kind !== undefined && kind !== "closed") return kind;
    return this.#isEjected(upstream, now) ? "ejected" : "up";
  }

  #isEjected(upstream: Upstream, now: number): boolean {
    return (
      this.#detector !== undefined &&
      upstream.outlierIndex !== -1 &&
      this.#detector.isEjected(upstream.outlierIndex, now)
    );
  }

  #attach(upstream: Upstream, healthySince: number): void {
    upstream.healthySince = healthySince;
    upstream.ewma = new PeakEwma(this.#options.balancer.ewma);
    upstream.availability = new AvailabilityTracker(this.#clock.now());
    if (this.#options.breaker !== false) {
      upstream.breaker = new CircuitBreaker(
        this.#options.breaker,
        this.#random,
        (from, to, reason, when) => this.#transition(upstream, from, to, reason, when),
      );
    }
    if (this.#detector !== undefined) upstream.outlierIndex = this.#detector.add(upstream);
  }

  /**
   * Brings an upstream up to `now` for a pick or for stats: its in-flight count, its breaker
   * (an open one whose interval is over turns half-open), its slow-start ramp and weight.
   */
  refresh(upstream: Upstream, now: number): void {
    upstream.inFlight = upstream.pending.count(now);
    upstream.breaker?.update(now);
    const slowStart = this.#options.balancer.slowStart;
    const ramp = slowStartFactor(
      upstream.healthySince,
      now,
      slowStart.window,
      slowStart.aggression,
      slowStart.minWeightPercent,
    );
    upstream.ramp = ramp;
    // Cost-based pickers keep the full weight: slow start thins their picks instead.
    upstream.weight = upstream.configuredWeight * (this.#thin ? 1 : ramp);
  }

  /**
   * Whether the upstream may take an attempt now: the one place eligibility is decided. A
   * drain from the health source keeps new calls away whatever else holds. A breaker that is
   * not closed decides alone: a half-open one lets its probes through even while the
   * upstream is ejected or remotely down (a successful probe ends both). Otherwise an
   * upstream ejected, or down at the health source, is out unless too few are healthy
   * (panic); one the health source trickles takes an attempt only while none is in flight.
   */
  #eligible(upstream: Upstream, now: number, panic: boolean): boolean {
    const remote = upstream.remote;
    if (remote === REMOTE_DRAINED) return false;
    const breaker = upstream.breaker;
    if (breaker !== undefined && breaker.kind !== "closed") return breaker.peek(now);
    return (
      panic ||
      (!this.#isEjected(upstream, now) &&
        (remote === REMOTE_NONE || (remote === REMOTE_TRICKLE && upstream.inFlight === 0)))
    );
  }

  /** Takes the upstream's breaker permit for the call; false when its breaker refuses. */
  #take(call: Call, upstream: Upstream, now: number): boolean {
    const permit = upstream.breaker === undefined ? 1 : upstream.breaker.admit(now);
    if (permit === REJECT) return false;
    call.permit = permit;
    upstream.probeDue = false;
    return true;
  }

  /**
   * Fills the scratch array with the eligible upstreams, skipping `avoid` and `exclude`.
   * With `thin`, an upstream in slow start takes part with the probability of its ramp, so
   * that a cost-based picker gives it that share of what it would get (the others are
   * unaffected); unless that would leave no candidate at all.
   */
  #collect(
    list: readonly Upstream[],
    now: number,
    panic: boolean,
    exclude: ReadonlyArray<Upstream | undefined> | undefined,
    avoid: Upstream | undefined,
    thin: boolean,
  ): number {
    let count = 0;
    let thinned = false;
    for (const upstream of list) {
      if (upstream === avoid || exclude?.includes(upstream)) continue;
      if (!this.#eligible(upstream, now, panic)) continue;
      if (thin && upstream.ramp < 1 && this.#random() >= upstream.ramp) thinned = true;
      else this.#scratch[count++] = upstream;
    }
    return count === 0 && thinned ? this.#collect(list, now, panic, exclude, avoid, false) : count;
  }

  #transition(
    upstream: Upstream,
    from: BreakerState,
    to: BreakerState,
    reason: string,
    now: number,
  ): void {
    const kind = to.kind;
    if (kind === "open" || kind === "isolated") {
      this.#out(upstream, now, `breaker ${kind}: ${reason}`);
      // The streak that opened the breaker must not eject the upstream as well.
      this.#detector?.forgive(upstream.outlierIndex);
    } else if (kind === "half-open") {
      // Judged afresh on its probe: the estimate from before it was taken out is stale.
      upstream.ewma.reset();
    } else if (
      reason === "probes-succeeded" &&
      this.#detector?.readmit(upstream.outlierIndex, now)
    ) {
      // The probe ended the ejection too (`onReadmit` marked it up); nothing more is owed.
      upstream.probeDue = false;
    } else if (!this.#isEjected(upstream, now)) {
      this.#backUp(upstream, now);
    }
    if (this.#events.has("breaker")) {
      this.#events.emit("breaker", {
        upstream: upstream.base,
        from: from.kind,
        to: kind,
        reason,
        at: now,
        state: to,
      });
    }
  }

  /** The outlier detector ejected `upstream`. */
  onEject(upstream: Upstream, reason: string, until: number, now: number): void {
    this.#out(upstream, now, `ejected: ${reason}`);
    // The streak that ejected it must not open its breaker as well.
    upstream.breaker?.clearCounts();
    if (this.#events.has("eject"))
      this.#events.emit("eject", { upstream: upstream.base, reason, until, at: now });
  }

  /** The outlier detector readmitted `upstream`. */
  onReadmit(upstream: Upstream, now: number): void {
    const breaker = upstream.breaker;
    if (breaker === undefined || breaker.kind === "closed") {
      // Back by time: the next pick probes it, judged afresh rather than on its old estimate.
      upstream.ewma.reset();
      upstream.probeDue = true;
      this.#backUp(upstream, now);
    }
    if (this.#events.has("readmit"))
      this.#events.emit("readmit", { upstream: upstream.base, at: now });
  }

  /** A guard took the upstream out at `now`: it is down until a probe brings it back. */
  #out(upstream: Upstream, now: number, why: string): void {
    upstream.outSince = now;
    upstream.probeDue = false;
    upstream.availability?.markDown(now, why);
  }

  /** The upstream is back in service: up again, and slow start begins. */
  #backUp(upstream: Upstream, now: number): void {
    if (upstream.availability?.markUp(now)) upstream.healthySince = now;
  }
}
