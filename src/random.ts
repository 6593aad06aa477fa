/**
 * Randomness, injected. This file and `clock.ts` are the only places in `src/` that touch
 * the runtime's timers and `Math.random`.
 */

/**
 * A source of uniform random numbers in `[0, 1)`, like `Math.random`.
 *
 * @example
 * ```ts
 * const jittered = base * (0.5 + random() / 2);
 * ```
 */
export type Random = () => number;

/**
 * `Math.random`, looked up at call time.
 *
 * @example
 * ```ts
 * createClient({ upstreams, random: systemRandom });
 * ```
 */
export const systemRandom: Random = () => Math.random();
