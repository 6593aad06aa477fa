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
 * taken apart into `(url, init)` once, every field it has kept; `init` members that are
 * `undefined` are ignored, as `fetch` ignores them. Any other input object is stringified,
 * as `fetch` does. A `signal` that is not an `AbortSignal` is a `TypeError`, as with `fetch`.
 * Without `resolveTarget` (a pipeline with no balancer) the URL is the target as it is.
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
  resolveTarget?: TargetResolver,
): Call {
  let url: string;
  let base: ResilientRequestInit | undefined = init;
  if (typeof input === "string") {
    url = input;
  } else if (input == null) {
    throw new TypeError(`fetch input must be a string, URL or Request, got ${input}`);
  } else if (isRequest(input)) {
    url = input.url;
    base = fromRequest(input, init);
  } else {
    // A URL, or any object that stringifies to one, as `fetch` takes it.
    url = `${input as object}`;
  }
  let target = url;
  let pinned: Upstream | undefined;
  if (resolveTarget !== undefined && !isPath(url)) ({ target, pinned } = resolveTarget(url));
  let requestInit: RequestInit = base ?? EMPTY_INIT;
  let signal: AbortSignal | undefined;
  let optIn: boolean | undefined;
  if (
    base !== undefined &&
    (base.signal != null || base.idempotent !== undefined || base.waitUntil !== undefined)
  ) {
    const { signal: callerSignal, idempotent, waitUntil: _, ...rest } = base;
    if (callerSignal != null && !(callerSignal instanceof AbortSignal)) {
      throw new TypeError(`init.signal must be an AbortSignal, got ${typeof callerSignal}`);
    }
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
    sentAt: NaN,
    permit: 0,
    abandoned: false,
  };
}

/** The init of a call made without one: shared, never mutated. */
export const EMPTY_INIT: RequestInit = Object.freeze({});

// By shape, not `instanceof`: a Request of another realm or library (undici's own) is one too.
function isRequest(input: object): input is Request {
  return (
    typeof (input as Request).url === "string" && typeof (input as Request).method === "string"
  );
}

// Every field a Request can carry besides its url and body. Runtimes leave the fields they
// do not implement undefined (workerd has no `cache`, `mode` or `credentials`, and throws
// when they are set at all), and those are not passed on.
const REQUEST_FIELDS =
  "method headers signal redirect cache credentials integrity keepalive mode priority referrer referrerPolicy".split(
    " ",
  );

function fromRequest(
  request: Request,
  init: ResilientRequestInit | undefined,
): ResilientRequestInit {
  if (request.bodyUsed) throw new TypeError("the Request's body was already read");
  const taken: Record<string, unknown> = {};
  for (const key of REQUEST_FIELDS) {
    const value = (request as unknown as Record<string, unknown>)[key];
    if (value !== undefined) taken[key] = value;
  }
  // As `new Request(request)` does: a navigation's mode cannot be set by script.
  if (taken.mode === "navigate") taken.mode = "same-origin";
  if (request.body !== null) {
    // A Request's body can only be passed on as its stream, which `keepalive` cannot carry.
    taken.body = request.body;
    taken.duplex = "half";
    taken.keepalive = undefined;
  }
  for (const key in init) {
    const value = (init as Record<string, unknown>)[key];
    if (value !== undefined) taken[key] = value;
  }
  return taken as ResilientRequestInit;
}
