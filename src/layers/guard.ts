import type { Fleet } from "../core/fleet";
import type { LayerContext } from "../core/layer-context";
import { resolveLayerContext } from "../core/layer-context";
import type { Upstream } from "../core/upstream";
import type { Call, Handler, Layer } from "../types";

// In-flight entries of attempts with no deadline at all still expire (see InFlight).
const UNBOUNDED_ATTEMPT_TTL = 300_000;

/**
 * Per-upstream bookkeeping around each attempt, below the balancer: counts it in flight
 * (with an expiry, so a Worker cut off mid-call cannot leak the count), then classifies the
 * outcome and feeds the breaker, outlier detection, latency estimates and counters, and
 * emits the `attempt` event.
 *
 * @example
 * ```ts
 * const handler = pipeline([balance(fleet), guard(fleet)])(transport(fetch));
 * ```
 */
export function guard(fleet: Fleet, context?: LayerContext): Layer {
  const { events } = resolveLayerContext(context);
  return (next: Handler): Handler => {
    function finish(
      call: Call,
      upstream: Upstream,
      started: number,
      token: number,
      status: number | undefined,
      error: unknown,
    ): void {
      const scope = call.scope;
      const end = scope.clock.now();
      upstream.pending.end(token);
      // Fetch refused the caller's own input: nothing was sent, so no attempt to count.
      const unsent = error !== undefined && error === scope.refused && scope.unsent;
      if (unsent) upstream.requests--;
      const outcome =
        status !== undefined
          ? { status }
          : { error, callerAborted: scope.callerAborted || call.abandoned };
      fleet.record(call, upstream, outcome, end - started, end);
      if (!unsent && events.has("attempt")) {
        events.emit("attempt", {
          attempt: call.attempt,
          method: call.method,
          url: call.url,
          upstream: upstream.base,
          status,
          error,
          durationMs: end - started,
          replayable: call.replayable,
        });
      }
    }

    return async function guard(call: Call): Promise<Response> {
      const upstream = call.upstream;
      if (upstream === undefined) return next(call);
      const scope = call.scope;
      const started = Number.isNaN(call.sentAt) ? scope.clock.now() : call.sentAt;
      const ttl = call.attemptTimeout === Infinity ? UNBOUNDED_ATTEMPT_TTL : call.attemptTimeout;
      const token = upstream.pending.start(Math.min(scope.deadline, started + ttl));
      upstream.requests++;
      let response: Response;
      try {
        response = await next(call);
      } catch (error) {
        finish(call, upstream, started, token, undefined, error);
        throw error;
      }
      finish(call, upstream, started, token, response.status, undefined);
      return response;
    };
  };
}
