import type { Random } from "../random";

/**
 * How the delay between attempts is randomised (see AWS's "Exponential Backoff and Jitter"):
 * - `full`: uniform in `[0, exp]` — the best spread, the default;
 * - `equal`: `exp/2 + uniform[0, exp/2]` — never shorter than half;
 * - `decorrelated`: `min(max, uniform[initial, previous × 3])`;
 * - `none`: exactly `exp`.
 */
export type Jitter = "full" | "equal" | "decorrelated" | "none";

/** Fully resolved backoff settings (ms). */
export interface ResolvedBackoff {
  initial: number;
  max: number;
  multiplier: number;
  jitter: Jitter;
}

/**
 * The delay before retry number `retry` (1 for the first retry). Pure: randomness comes in as
 * `random`. Always a finite number in `[0, max]`, however many retries — a peer library once
 * returned NaN after ~1,000 attempts when `initial × 2^n` overflowed.
 *
 * @example
 * ```ts
 * const backoff = { initial: 50, max: 1_000, multiplier: 2, jitter: "full" } as const;
 * backoffDelay(backoff, 3, 0, Math.random); // uniform in [0, 200]
 * ```
 */
export function backoffDelay(
  backoff: ResolvedBackoff,
  retry: number,
  previous: number,
  random: Random,
): number {
  const { initial, max } = backoff;
  let delay: number;
  if (backoff.jitter === "decorrelated") {
    const upper = Math.min(max, Math.max(initial, previous) * 3);
    delay = initial + random() * Math.max(0, upper - initial);
  } else {
    // The power may overflow to Infinity, which `min` turns into `max`. (The exponent was
    // capped at 1,000, which froze small multipliers: 1.001^1000 is only 2.7.)
    const exponent = Math.max(retry - 1, 0);
    const exp = initial === 0 ? 0 : Math.min(max, initial * backoff.multiplier ** exponent);
    if (backoff.jitter === "full") delay = random() * exp;
    else if (backoff.jitter === "equal") delay = exp / 2 + (random() * exp) / 2;
    else delay = exp;
  }
  // A bad `random` (NaN, > 1, negative) must not leak NaN or a negative delay into a timer.
  if (!(delay >= 0)) return 0;
  return Math.min(delay, max);
}
