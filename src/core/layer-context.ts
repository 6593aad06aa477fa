import { Emitter } from "../events";
import { type Random, systemRandom } from "../random";

/**
 * What a layer may need besides its options: randomness and the event emitter. `createClient`
 * passes its own; a layer used on its own gets `Math.random` and an emitter nobody listens to.
 *
 * @example
 * ```ts
 * const events = new Emitter();
 * const layer = retry({ attempts: 3 }, { random: seededRandom(1), events });
 * ```
 */
export interface LayerContext {
  random?: Random;
  events?: Emitter;
}

/** {@link LayerContext} with defaults applied. */
export interface ResolvedLayerContext {
  random: Random;
  events: Emitter;
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
    events: context?.events ?? new Emitter(),
  };
}
