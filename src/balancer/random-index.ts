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
