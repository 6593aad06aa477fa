import type { Abortable, CallScope } from "./core/call-scope";
import type { Upstream } from "./core/upstream";

/**
 * A `fetch`-compatible function: the transport at the bottom of every pipeline.
 *
 * @example
 * ```ts
 * const transport: FetchLike = (input, init) => globalThis.fetch(input, init);
 * ```
 */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * One call (and, below the retry layer, one attempt of it) as it travels down the pipeline.
 * Plain data: a `Request` is never built per attempt, the transport gets `(url, init)`.
 *
 * Fields above the retry layer describe the whole call; `attempt`, `upstream`, `url` and
 * `signal` are per attempt: the retry and hedge layers hand each attempt its own copy
 * (see {@link forAttempt}) so parallel attempts never share them.
 *
 * @example
 * ```ts
 * const logUrl: Layer = (next) => async function logUrl(call) {
 *   console.log(call.method, call.url);
 *   return next(call);
 * };
 * ```
 */
export interface Call {
  /** Path and query relative to an upstream (`/v1/users/42`), or an absolute URL when the pipeline has no balancer. */
  readonly target: string;
  /** The upstream named by an absolute input URL: the first attempt goes there. */
  readonly pinned: Upstream | undefined;
  /** Upper-case HTTP method. */
  readonly method: string;
  /** The caller's init with `signal` removed and the body made replayable where possible. */
  init: RequestInit;
  /** Whether this call may be sent more than once (idempotent method, `Idempotency-Key`, or opt-in). */
  readonly idempotent: boolean;
  /** Deadline, caller abort and the attempts in flight for the whole call. */
  readonly scope: CallScope;
  /** Upstreams already tried by this call, in order; shared by all its attempts. */
  readonly tried: Upstream[];
  /** 1-based attempt number. */
  attempt: number;
  /** Whether the body can be sent again (false for a stream over the buffer limit). */
  replayable: boolean;
  /** Set by the balancer for this attempt. */
  upstream: Upstream | undefined;
  /** The absolute URL of this attempt. */
  url: string;
  /** Per-attempt timeout in ms (`Infinity` for none), set by the `timeout` layer. */
  attemptTimeout: number;
  /** Set by a layer that may abandon the attempt (hedging): the transport then always tracks it. */
  abortable: boolean;
  /** The attempt in flight, set by the transport when it tracks one; abort it to abandon it. */
  handle: Abortable | undefined;
  /** The breaker permit taken for this attempt's upstream (0 when none). */
  permit: number;
  /** Clock time at which the balancer sent this attempt on its way (`NaN` before); later layers reuse it instead of reading the clock again. */
  sentAt: number;
  /** Set by a layer that abandons this attempt on purpose (a lost hedge): its failure is not the upstream's. */
  abandoned: boolean;
}

/**
 * Sends a call and resolves with the response.
 *
 * @example
 * ```ts
 * const handler: Handler = (call) => fetch(call.url, call.init);
 * ```
 */
export type Handler = (call: Call) => Promise<Response>;

/**
 * A layer wraps the next handler. Layers compose outermost first (see `compose`).
 *
 * @example
 * ```ts
 * const header: Layer = (next) => function header(call) { return next(call); };
 * ```
 */
export type Layer = (next: Handler) => Handler;

/**
 * A per-attempt copy of `call`: what the whole call shares is copied, the per-attempt fields
 * start afresh. The copy keeps the call's property order, so every copy shares one shape
 * (spread costs ≈40 ns more than listing the fields, once per retry or hedge).
 *
 * @example
 * ```ts
 * const second = forAttempt(call, 2);
 * ```
 */
export function forAttempt(call: Call, attempt: number): Call {
  return {
    ...call,
    attempt,
    upstream: undefined,
    handle: undefined,
    sentAt: NaN,
    permit: 0,
    abandoned: false,
  };
}
