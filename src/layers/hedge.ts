import type { Fleet } from "../core/fleet";
import { type LayerContext, resolveLayerContext } from "../core/layer-context";
import { isStream } from "../core/refusal";
import { HedgeDelay } from "../hedge/hedge-delay";
import {
  type HedgeOptions,
  type ResolvedHedgeOptions,
  resolveHedgeOptions,
} from "../hedge/hedge-options";
import { HedgedCall, type HedgeShared } from "../hedge/hedged-call";
import { RetryBudget } from "../retry/retry-budget";
import { DEFAULT_RETRY_ON } from "../retry/retry-options";
import type { Call, Handler, Layer } from "../types";

const DEFAULT_ON: ReadonlySet<number> = new Set(DEFAULT_RETRY_ON);

/** What {@link hedgeResolved} connects to inside a client. */
export interface HedgeWiring {
  /** The client's upstreams: hedges then only go out while another upstream can take them. */
  fleet?: Fleet;
  /** Statuses that are retryable failures (the retry layer's `on`). @default [429, 502, 503, 504] */
  on?: ReadonlySet<number>;
}

/**
 * Hedged requests ("The Tail at Scale"): when an attempt has not answered after a delay, the
 * same request goes out again (below a balancer: to another upstream) and the first answer
 * wins; the others are aborted and their bodies cancelled. The delay is fixed, or a latency
 * percentile of the attempt's upstream. A retryable failure (429/502/503/504, a network
 * error, an attempt timeout) sends the next hedge at once instead of waiting.
 *
 * Hedges are sent only for requests that may go out twice (see `isIdempotent`) with a body
 * that can be sent again (the `retry` layer above buffers streamed bodies), never past the
 * deadline, and within a budget: at most `budget.ratio` extra requests over a sliding
 * window, so under overload hedging stops instead of doubling the load.
 *
 * When the hedge never fires, a call costs one clock timer, set and cleared; calls that
 * cannot be hedged pass straight through.
 *
 * @example
 * ```ts
 * const send = compose(fetch, deadline(5_000), retry(3), hedge({ delay: 50 }), timeout(1_000));
 * ```
 */
export function hedge(options?: HedgeOptions | number | false, context?: LayerContext): Layer {
  const resolved = resolveHedgeOptions(options ?? {});
  if (resolved === false) return (next) => next;
  return hedgeResolved(resolved, context);
}

/**
 * {@link hedge} with options already resolved, wired to a client's upstreams.
 *
 * @example
 * ```ts
 * const layer = hedgeResolved(resolveHedgeOptions(20)!, { events }, { fleet, on: retry.on });
 * ```
 */
export function hedgeResolved(
  resolved: ResolvedHedgeOptions,
  context?: LayerContext,
  wiring: HedgeWiring = {},
): Layer {
  const { events } = resolveLayerContext(context);
  const delays = new HedgeDelay(resolved);
  const earliest = delays.shortest;
  const fleet = wiring.fleet;
  const budget = RetryBudget.from(resolved.budget);

  return (next: Handler): Handler => {
    const shared: HedgeShared = {
      next,
      max: resolved.max,
      on: wiring.on ?? DEFAULT_ON,
      delays,
      budget,
      fleet,
      events,
    };
    return function hedge(call: Call): Promise<Response> {
      const scope = call.scope;
      const now = scope.clock.now();
      budget?.deposit(now);
      if (
        !call.idempotent ||
        !call.replayable ||
        isStream(call.init.body) ||
        (fleet !== undefined && fleet.pool.list.length < 2) ||
        now + earliest >= scope.deadline ||
        (budget !== undefined && budget.available(now) < 1)
      ) {
        return next(call);
      }
      // The transport then tracks the attempt, so a losing one can be aborted.
      call.abortable = true;
      return new HedgedCall(shared, call).run(now);
    };
  };
}
