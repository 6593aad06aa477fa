/*
 * How an abort or a deadline still reaches a response body after the call returned it:
 * each body the client returns is linked (weakly, by the body stream) to the controller of
 * the attempt that produced it. Weak all the way: a body nobody can read any more takes its
 * link with it, however long the caller's signal or the deadline lives.
 */

/** A body's link, or a strong stand-in where the runtime has no `WeakRef` (workerd). */
export type BodyRef = { deref(): ReadableStream | undefined };

// Keyed by the stream, not the Response: code that keeps only `response.body` (or a reader
// of it) still reads it, and a stream lives exactly as long as it can be read.
const controllers = new WeakMap<ReadableStream, AbortController>();

/**
 * Records that `response`'s body comes from the attempt `controller` aborts.
 *
 * @example
 * ```ts
 * linkBody(response, controller);
 * ```
 */
export function linkBody(response: Response, controller: AbortController): void {
  if (response.body !== null) controllers.set(response.body, controller);
}

/**
 * A reference to `response`'s body when it is linked to an attempt, else `undefined` (no
 * body, or a transport that never read its signal, which nothing could stop anyway).
 *
 * @example
 * ```ts
 * const ref = linkedBody(response);
 * if (ref !== undefined) later(() => abortBody(ref, () => new Error("late")));
 * ```
 */
export function linkedBody(response: Response): BodyRef | undefined {
  const body = response.body;
  if (body === null || !controllers.has(body)) return undefined;
  return WEAK ? new WeakRef(body) : { deref: () => body };
}

/** Whether references can be weak here (workerd before `enable_weak_ref` has no `WeakRef`). */
const WEAK = typeof WeakRef === "function";

const collected = WEAK ? new FinalizationRegistry<() => void>((then) => then()) : undefined;

/**
 * Calls `then` once the body behind `ref` has been garbage-collected (never where the
 * runtime cannot tell): the deadline of a body nobody can read any more is dropped then,
 * instead of holding ≈0.5 KB until it passes.
 *
 * @example
 * ```ts
 * onCollected(ref, () => clock.clearTimeout(timer));
 * ```
 */
export function onCollected(ref: BodyRef, then: () => void): void {
  const body = ref.deref();
  if (body !== undefined) collected?.register(body, then);
}

/**
 * Aborts the attempt behind a body that is still reachable, which errors the body for its
 * reader as `fetch` does; `reason` is made only when there is something to abort.
 *
 * @example
 * ```ts
 * abortBody(ref, () => signal.reason);
 * ```
 */
export function abortBody(ref: BodyRef, reason: () => unknown): void {
  const body = ref.deref();
  if (body !== undefined) controllers.get(body)?.abort(reason());
}

/** What a relay aborts for its signal: a call in flight (see `CallScope`). */
export interface RelayedCall {
  /** The caller's signal fired: abort everything in flight for the call (it has left). */
  abortAll(): void;
}

/**
 * The one listener on a caller's `AbortSignal`, shared by every call made with it: calls in
 * flight are listed here (an array slot per call, which the call itself keeps and frees:
 * neither an event listener, ≈0.2–5 µs on Node, nor a `Set`, whose identity hash for each new
 * call costs ≈0.7 µs), and so do the bodies of responses returned under it, weakly, so the caller's abort still errors a body being read, as with `fetch`.
 * The list of bodies drops the unreachable ones as it grows, so it stays about as long as
 * the bodies still alive.
 *
 * It replaces `AbortSignal.any([caller, attempt])` per attempt, which costs ≈8–30 µs on
 * Node 20 and leaks there: the caller's signal keeps a reference to every signal ever made
 * from it (≈58 bytes a call, for as long as an app-wide shutdown signal lives).
 *
 * @example
 * ```ts
 * const relay = relayOf(signal);
 * relay.calls.push(scope); // while the call is in flight
 * relay.add(ref);         // after it returned a response
 * ```
 */
export class CallerRelay {
  /** Calls in flight; each knows its own slot (see `CallScope`). */
  calls: RelayedCall[] = [];
  #bodies: BodyRef[] = [];
  #limit = 16;
  readonly #signal: AbortSignal;

  constructor(signal: AbortSignal) {
    this.#signal = signal;
    signal.addEventListener("abort", this, { once: true });
  }

  /** Links a returned body to the signal (only where references can be weak). */
  add(ref: BodyRef): void {
    if (!WEAK) return;
    const bodies = this.#bodies;
    bodies.push(ref);
    if (bodies.length < this.#limit) return;
    this.#bodies = bodies.filter((body) => body.deref() !== undefined);
    this.#limit = 16 + 2 * this.#bodies.length;
  }

  handleEvent(): void {
    const calls = this.calls;
    this.calls = [];
    for (const call of calls) call.abortAll();
    for (const body of this.#bodies) abortBody(body, () => abortReason(this.#signal));
    this.#bodies = [];
  }
}

const relays = new WeakMap<AbortSignal, CallerRelay>();

/**
 * The relay for `signal`, made on first use; it lives as long as the signal does.
 *
 * @example
 * ```ts
 * relayOf(init.signal).calls.push(scope);
 * ```
 */
export function relayOf(signal: AbortSignal): CallerRelay {
  let relay = relays.get(signal);
  if (relay === undefined) {
    relay = new CallerRelay(signal);
    relays.set(signal, relay);
  }
  return relay;
}

/**
 * An aborted signal's reason, or the `AbortError` `fetch` rejects with when it has none
 * (a polyfilled `AbortController` may abort without one).
 *
 * @example
 * ```ts
 * if (signal.aborted) throw abortReason(signal);
 * ```
 */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}
