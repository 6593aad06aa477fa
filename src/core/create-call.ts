import type { Clock } from "../clock";
import type { Call } from "../types";
import { CallScope } from "./call-scope";
import { isIdempotent } from "./idempotency";
import type { Upstream } from "./upstream";

/**
 * `RequestInit` plus the per-call options resilient-fetch understands.
 *
 * @example
 * ```ts
 * await client.fetch("/v1/charges", { method: "POST", body, idempotent: true });
 * ```
 */
export interface ResilientRequestInit extends RequestInit {
  /**
   * Declare the request safe to send more than once (enables retries and hedges for, e.g.,
   * a POST the server deduplicates), or `false` to forbid them for this call.
   * @default derived from the method and the `Idempotency-Key` header
   */
  idempotent?: boolean;
  /**
   * On Cloudflare Workers, the handler's `ctx.waitUntil` (bound): background work the call
   * starts, such as hub sync, is handed to it so that it may finish after the response.
   * Never passed on to the transport.
   *
   * @example
   * ```ts
   * await client.fetch("/v1/x", { waitUntil: ctx.waitUntil.bind(ctx) });
   * ```
   */
  waitUntil?: (promise: Promise<unknown>) => void;
}

/** Where an input URL goes: a target relative to `pinned`, or an absolute URL. */
export interface ResolvedTarget {
  target: string;
  pinned: Upstream | undefined;
}

/** Turns an input URL into a {@link ResolvedTarget}; may throw a `TypeError`. */
export type TargetResolver = (url: string) => ResolvedTarget;

// A path (the usual input) needs no lookup and no allocation.
function isPath(url: string): boolean {
  return url.charCodeAt(0) === 47 /* / */ && url.charCodeAt(1) !== 47;
}

/**
 * Builds the plain-data {@link Call} for `client.fetch(input, init)`. A `Request` input is
 * taken apart into `(url, init)` once; its `signal` and body are honoured.
 *
 * @example
 * ```ts
 * const call = createCall("/v1/users", { signal }, systemClock, (url) => ({ target: url, pinned: undefined }));
 * ```
 */
export function createCall(
  input: string | URL | Request,
  init: ResilientRequestInit | undefined,
  clock: Clock,
  resolveTarget: TargetResolver,
): Call {
  let url: string;
  let base: ResilientRequestInit | undefined = init;
  if (typeof input === "string") {
    url = input;
  } else if (input instanceof URL) {
    url = input.href;
  } else if (isRequest(input)) {
    url = input.url;
    base = fromRequest(input, init);
  } else {
    throw new TypeError(`fetch input must be a string, URL or Request, got ${typeof input}`);
  }
  let target = url;
  let pinned: Upstream | undefined;
  if (!isPath(url)) ({ target, pinned } = resolveTarget(url));
  let requestInit: RequestInit = base ?? EMPTY_INIT;
  let signal: AbortSignal | undefined;
  let optIn: boolean | undefined;
  if (
    base !== undefined &&
    (base.signal != null || base.idempotent !== undefined || base.waitUntil !== undefined)
  ) {
    const { signal: callerSignal, idempotent, waitUntil: _, ...rest } = base;
    signal = callerSignal ?? undefined;
    optIn = idempotent;
    requestInit = rest;
  }
  const method = requestInit.method === undefined ? "GET" : requestInit.method.toUpperCase();
  return {
    target,
    pinned,
    method,
    init: requestInit,
    idempotent: isIdempotent(method, requestInit.headers, optIn),
    scope: new CallScope(clock, signal),
    tried: [],
    attempt: 1,
    replayable: true,
    upstream: undefined,
    url: target,
    attemptTimeout: Infinity,
    abortable: false,
    handle: undefined,
    sentAt: Number.NaN,
    permit: 0,
    abandoned: false,
  };
}

/** The init of a call made without one: shared, never mutated. */
export const EMPTY_INIT: RequestInit = Object.freeze({});

function isRequest(input: unknown): input is Request {
  return typeof Request !== "undefined" && input instanceof Request;
}

// Only the fields every runtime accepts: workerd throws on `cache`, `mode` and `credentials`.
function fromRequest(
  request: Request,
  init: ResilientRequestInit | undefined,
): ResilientRequestInit {
  const taken: ResilientRequestInit & { duplex?: "half" } = {
    method: request.method,
    headers: request.headers,
    signal: request.signal,
    redirect: request.redirect,
  };
  if (request.body !== null) {
    taken.body = request.body;
    taken.duplex = "half";
  }
  return init === undefined ? taken : { ...taken, ...init };
}
