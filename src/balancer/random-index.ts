import type { Random } from "../random";

/**
 * A uniform index in `[0, n)` for `n >= 1`, kept in range even when an injected `random`
 * returns 1, a negative number or NaN.
 *
 * @example
 * ```ts
 * const first = randomIndex(random, count);
 * ```
 */
export function randomIndex(random: Random, n: number): number {
  const index = Math.floor(random() * n);
  return index < n ? Math.max(index, 0) : n - 1;
}

/** Where {@link sampleTwo} writes when the caller does not need the pair. */
const SCRATCH = { first: -1, second: -1 };

/**
 * Samples two distinct indices in `[0, n)` for `n >= 2`, uniformly, into `pair` (a shared
 * scratch object when none is given) and returns it: the sampling step of both
 * power-of-two-choices pickers.
 *
 * @example
 * ```ts
 * const { first, second } = sampleTwo(random, count, sample);
 * ```
 */
export function sampleTwo(
  random: Random,
  n: number,
  pair: { first: number; second: number } = SCRATCH,
): { first: number; second: number } {
  const first = randomIndex(random, n);
  let second = randomIndex(random, n - 1);
  if (second >= first) second++;
  pair.first = first;
  pair.second = second;
  return pair;
}
