import type { EventSink } from "../events";
import { type Random, systemRandom } from "../random";

/**
 * What a layer may need besides its options: randomness and where its events go. `createClient`
 * passes its own; a layer used on its own gets `Math.random` and a sink nobody listens to.
 *
 * @example
 * ```ts
 * const events = new Emitter();
 * const layer = retry({ attempts: 3 }, { random: seededRandom(1), events });
 * ```
 */
export interface LayerContext {
  random?: Random;
  events?: EventSink;
}

/** {@link LayerContext} with defaults applied. */
export interface ResolvedLayerContext {
  random: Random;
  events: EventSink;
}

/**
 * Applies the defaults of a {@link LayerContext}.
 *
 * @example
 * ```ts
 * const { random, events } = resolveLayerContext(context);
 * ```
 */
export function resolveLayerContext(context: LayerContext | undefined): ResolvedLayerContext {
  return {
    random: context?.random ?? systemRandom,
    events: context?.events ?? NO_LISTENERS,
  };
}

// Nobody can subscribe to a layer's events unless they passed `events`: nothing to keep.
const NO_LISTENERS: EventSink = { has: () => false, emit() {} };
