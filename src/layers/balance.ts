import type { LayerContext } from "../core/layer-context";
import { resolveLayerContext } from "../core/layer-context";
import type { Upstream } from "../core/upstream";
import type { UpstreamPool } from "../core/upstream-pool";
import { NoUpstreamError } from "../errors/no-upstream-error";
import type { Call, Handler, Layer } from "../types";

// In-flight entries of attempts with no deadline at all still expire (see InFlight).
const UNBOUNDED_ATTEMPT_TTL = 300_000;

/**
 * Picks the upstream for every attempt and sends the attempt there.
 *
 * Rules: the first attempt of a call to an absolute URL goes to the upstream it names; an
 * upstream already tried by this call is never picked again while an untried one remains,
 * so retries fail over. Among the candidates, upstreams take turns in weighted rotation.
 *
 * It also keeps the per-upstream figures (`requests`, `failures`, in-flight) and emits the
 * `attempt` event with the outcome of every attempt.
 *
 * @example
 * ```ts
 * const pool = new UpstreamPool(["https://a.internal", "https://b.internal"]);
 * const layer = balance(pool);
 * ```
 */
export function balance(pool: UpstreamPool, context?: LayerContext): Layer {
  const { events } = resolveLayerContext(context);
  const rotation = new WeightedRotation();

  return (next: Handler): Handler => {
    function pick(call: Call): Upstream {
      const list = pool.list;
      if (call.attempt === 1 && call.pinned !== undefined && list.includes(call.pinned)) {
        return call.pinned;
      }
      const tried = call.tried;
      const chosen = rotation.next(list, tried.length === 0 ? undefined : tried);
      if (chosen === undefined) {
        throw new NoUpstreamError("none configured", call.scope.attempts, []);
      }
      return chosen;
    }

    return async function balance(call: Call): Promise<Response> {
      const upstream = pick(call);
      call.upstream = upstream;
      call.url = upstream.resolve(call.target);
      call.tried.push(upstream);
      const scope = call.scope;
      const started = scope.clock.now();
      const expiresAt = Math.min(
        scope.deadline,
        started +
          (call.attemptTimeout === Number.POSITIVE_INFINITY
            ? UNBOUNDED_ATTEMPT_TTL
            : call.attemptTimeout),
      );
      const token = upstream.inFlight.start(expiresAt);
      upstream.requests++;
      let response: Response | undefined;
      let error: unknown;
      try {
        response = await next(call);
        return response;
      } catch (caught) {
        error = caught;
        if (!scope.callerAborted) upstream.failures++;
        throw caught;
      } finally {
        upstream.inFlight.end(token);
        if (events.has("attempt")) {
          events.emit("attempt", {
            attempt: call.attempt,
            method: call.method,
            url: call.url,
            upstream: upstream.base,
            status: response?.status,
            error,
            durationMs: scope.clock.now() - started,
            replayable: call.replayable,
          });
        }
      }
    };
  };
}

/**
 * Smooth weighted rotation over the upstreams not excluded (nginx's algorithm, so a 2:1
 * weighting interleaves `a b a` rather than `a a b`).
 */
class WeightedRotation {
  private readonly current = new WeakMap<Upstream, number>();

  next(list: readonly Upstream[], exclude: readonly Upstream[] | undefined): Upstream | undefined {
    let total = 0;
    let best: Upstream | undefined;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (const upstream of list) {
      if (exclude?.includes(upstream)) continue;
      const score = (this.current.get(upstream) ?? 0) + upstream.weight;
      this.current.set(upstream, score);
      total += upstream.weight;
      if (score > bestScore) {
        bestScore = score;
        best = upstream;
      }
    }
    if (best === undefined) {
      // Every upstream was tried already: start over, but still move away from the last one.
      if (exclude === undefined || list.length === 0) return undefined;
      const last = exclude[exclude.length - 1]!;
      return this.next(list, exclude.length > 1 && list.length > 1 ? [last] : undefined);
    }
    this.current.set(best, bestScore - total);
    return best;
  }
}
