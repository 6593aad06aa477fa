import type { Random } from "../random";
import type { ResolvedOpenFor } from "./breaker-options";

/**
 * How long a breaker stays open on its `trips`-th trip in a row:
 * `initial × multiplier^(trips − 1)` capped at `max`, then spread by ± `jitter` of itself
 * (so breakers that tripped together do not all probe at once) and capped at `max` again.
 * The result lies in `[base × (1 − jitter), min(max, base × (1 + jitter))]`.
 *
 * @example
 * ```ts
 * const openFor = { initial: 5_000, max: 60_000, multiplier: 2, jitter: 0, decayAfter: 60_000 };
 * openDuration(3, openFor, Math.random); // 20_000
 * ```
 */
export function openDuration(trips: number, openFor: ResolvedOpenFor, random: Random): number {
  const base = Math.min(
    openFor.max,
    openFor.initial * openFor.multiplier ** Math.max(0, trips - 1),
  );
  if (openFor.jitter === 0) return base;
  const spread = base * (1 + openFor.jitter * (2 * random() - 1));
  return Math.min(spread, openFor.max);
}
