import { cancelBody } from "../core/discard-body";
import type { Fleet } from "../core/fleet";
import { isFinalError } from "../core/is-final-error";
import type { EventSink } from "../events";
import type { RetryBudget } from "../retry/retry-budget";
import { type Call, forAttempt, type Handler } from "../types";
import type { HedgeDelay } from "./hedge-delay";

/**
 * What every hedged call of one `hedge` layer shares: the handler below, the settings, the
 * delay estimator and the budget.
 */
export interface HedgeShared {
  readonly next: Handler;
  /** Extra attempts per call at most. */
  readonly max: number;
  /** Statuses that count as a retryable failure: they trigger the next hedge at once. */
  readonly on: ReadonlySet<number>;
  readonly delays: HedgeDelay;
  readonly budget: RetryBudget | undefined;
  /** The client's upstreams and their health; absent when the layer is used on its own. */
  readonly fleet: Fleet | undefined;
  readonly events: EventSink;
}

// Errors of an attempt the balancer could not even send.
const NOT_SENT = new Set(["CircuitOpenError", "NoUpstreamError"]);

let lostReason: unknown;

/** The abort reason handed to losing attempts: one shared object (an `Error` costs ≈4 µs). */
function lost(): unknown {
  lostReason ??= new DOMException("another hedged attempt answered first", "AbortError");
  return lostReason;
}

class Leg {
  done = false;
  constructor(
    readonly call: Call,
    readonly started: number,
  ) {}
}

/**
 * One call's group of parallel attempts: the primary, plus up to `max` hedges, each sent
 * after the delay or at once when an attempt fails in a way worth retrying. The first
 * answer that is not a retryable failure wins: the others are marked `abandoned` (so their
 * upstream's health ignores them) and aborted, which cancels their bodies. When every attempt
 * fails, the last failure settles the group (a response is returned, an error rethrown) and
 * the retry layer above decides what comes next.
 *
 * The only timer is the one for the next hedge; it is cleared as soon as the group settles.
 *
 * @example
 * ```ts
 * call.abortable = true;
 * return new HedgedCall(shared, call).run(call.scope.clock.now());
 * ```
 */
export class HedgedCall {
  readonly #legs: Leg[] = [];
  #delay = 0;
  #timer: unknown = undefined;
  #settled = false;
  /** The failure kept to settle with if nothing better comes: a response or an error. */
  #failure: Response | undefined = undefined;
  #failureError: unknown = undefined;
  #failed = false;
  #resolve!: (response: Response) => void;
  #reject!: (reason: unknown) => void;

  readonly #shared: HedgeShared;
  readonly #call: Call;

  constructor(shared: HedgeShared, call: Call) {
    this.#shared = shared;
    this.#call = call;
  }

  /** Sends the primary attempt and arms the hedge timer. */
  run(now: number): Promise<Response> {
    const promise = new Promise<Response>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    const call = this.#call;
    this.#send(call, now);
    // The balancer picked the primary's upstream synchronously: its latency sets the delay.
    this.#delay = this.#shared.delays.delayFor(call.upstream?.latency, now);
    if (!this.#settled) this.#arm(now);
    return promise;
  }

  #send(call: Call, now: number): void {
    const leg = new Leg(call, now);
    this.#legs.push(leg);
    let sent: Promise<Response>;
    try {
      sent = this.#shared.next(call);
    } catch (error) {
      sent = Promise.reject(error);
    }
    sent.then(
      (response) => this.#responded(leg, response),
      (error) => this.#errored(leg, error),
    );
  }

  #arm(now: number): void {
    const scope = this.#call.scope;
    // Never schedule a hedge the deadline would not let through anyway.
    if (this.#legs.length > this.#shared.max || now + this.#delay >= scope.deadline) return;
    this.#timer = scope.clock.setTimeout(() => this.#elapsed(), this.#delay);
  }

  #elapsed(): void {
    this.#timer = undefined;
    if (!this.#settled) this.#hedge("delay", this.#call.scope.clock.now());
  }

  /**
   * Sends the next hedge if the limits allow; false when they do not. With a fleet, the hedge
   * goes to an eligible upstream none of this group's attempts went to, or is not sent.
   */
  #hedge(reason: "delay" | "failure", now: number): boolean {
    const { max, budget, fleet, events } = this.#shared;
    const scope = this.#call.scope;
    if (this.#legs.length > max || now >= scope.deadline || scope.callerAborted) return false;
    if (budget !== undefined && budget.available(now) < 1) return false;
    const call = forAttempt(this.#call, scope.attempts + 1);
    if (fleet !== undefined) {
      const busy = this.#legs.map((leg) => leg.call.upstream);
      const upstream = fleet.pickApart(call, now, busy);
      if (upstream === undefined) return false;
      call.upstream = upstream;
      call.sentAt = now;
    }
    budget?.tryWithdraw(now);
    this.#clearTimer();
    this.#send(call, now);
    const upstream = call.upstream;
    if (upstream !== undefined) upstream.hedges++;
    if (events.has("hedge")) {
      events.emit("hedge", {
        upstream: upstream?.base,
        primaryUpstream: this.#call.upstream?.base,
        afterMs: now - this.#legs[0]!.started,
        reason,
        attempt: call.attempt,
      });
    }
    if (!this.#settled) this.#arm(now);
    return true;
  }

  #responded(leg: Leg, response: Response): void {
    leg.done = true;
    if (this.#settled) {
      cancelBody(response?.body);
      return;
    }
    const now = this.#call.scope.clock.now();
    if (this.#shared.on.has(response.status)) this.#fail(response, undefined, true, false, now);
    else this.#win(leg, response, now);
  }

  #errored(leg: Leg, error: unknown): void {
    leg.done = true;
    if (this.#settled) return;
    if (this.#call.scope.callerAborted) {
      this.#finish();
      this.#reject(error);
      return;
    }
    const final = isFinalError(error);
    const notSent = final && NOT_SENT.has((error as { name: string }).name);
    this.#fail(undefined, error, !final, notSent, this.#call.scope.clock.now());
  }

  #fail(
    response: Response | undefined,
    error: unknown,
    retryable: boolean,
    notSent: boolean,
    now: number,
  ): void {
    // An attempt that was never sent does not replace a real failure as the group's answer.
    if (!notSent || !this.#failed) {
      cancelBody(this.#failure?.body);
      this.#failure = response;
      this.#failureError = error;
      this.#failed = true;
    }
    if (retryable && this.#hedge("failure", now)) return;
    if (this.#legs.some((leg) => !leg.done)) return;
    const failure = this.#failure;
    this.#failure = undefined;
    this.#finish();
    if (failure !== undefined) this.#resolve(failure);
    else this.#reject(this.#failureError);
  }

  #win(winner: Leg, response: Response, now: number): void {
    const delays = this.#shared.delays;
    delays.observe(now - winner.started, now);
    let earlier = true;
    for (const leg of this.#legs) {
      if (leg === winner) earlier = false;
      if (leg.done) continue;
      const call = leg.call;
      // Set first: the guard reads it when the abort reaches it, and then ignores the attempt.
      call.abandoned = true;
      if (earlier) {
        // It ran this long and had not answered: a lower bound that keeps the tail visible.
        const ran = now - leg.started;
        call.upstream?.latency.record(ran, now);
        delays.observe(ran, now);
      }
      call.handle?.abort(lost());
    }
    this.#finish();
    this.#resolve(response);
  }

  #finish(): void {
    this.#settled = true;
    this.#clearTimer();
    cancelBody(this.#failure?.body);
    this.#failure = undefined;
  }

  #clearTimer(): void {
    if (this.#timer === undefined) return;
    this.#call.scope.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
