/**
 * How soon an upstream that recovered gets traffic again, measured from the send times of the
 * attempts a client made (bench/failover.ts).
 */

/** One attempt as the bench saw it: when it was sent and where. */
export interface SentAttempt {
  at: number;
  upstream: string;
}

/** Recovery of one upstream after `recoveredAt`. */
export interface Recovery {
  /** Ms from recovery until the first attempt sent to it; null if none. */
  firstProbeAfter: number | null;
  /**
   * Ms from recovery until its share of attempts, over a sliding {@link SHARE_WINDOW}, first
   * reached {@link FAIR_SHARE_REACHED} of a fair share (1 / number of upstreams); the window's
   * middle is taken as the time. Null if never.
   */
  fairShareAfter: number | null;
  /** Its share of attempts in the {@link EARLY_WINDOW} ms after recovery. */
  earlyShare: number;
}

/** Width (ms) of the window a share of attempts is measured over. */
export const SHARE_WINDOW = 2_000;
/** The share of a fair share that counts as "back to its fair share". */
export const FAIR_SHARE_REACHED = 0.9;
/** Ms after recovery over which {@link Recovery.earlyShare} is measured. */
export const EARLY_WINDOW = 5_000;
const STEP = 100;

/**
 * The recovery figures of `upstream` from `attempts` (sorted by `at`).
 *
 * @example
 * ```ts
 * const { firstProbeAfter } = recoveryOf(attempts, "https://a.internal", 23_000, 3);
 * ```
 */
export function recoveryOf(
  attempts: readonly SentAttempt[],
  upstream: string,
  recoveredAt: number,
  upstreams: number,
): Recovery {
  const first = attempts.find((a) => a.upstream === upstream && a.at >= recoveredAt);
  const end = attempts.length === 0 ? recoveredAt : attempts[attempts.length - 1]!.at;
  const bar = FAIR_SHARE_REACHED / upstreams;
  let fairShareAfter: number | null = null;
  let lo = 0;
  let hi = 0;
  let mine = 0;
  for (let from = recoveredAt; from + SHARE_WINDOW <= end; from += STEP) {
    // Two pointers over the sorted attempts: [lo, hi) is the window [from, from + SHARE_WINDOW).
    while (hi < attempts.length && attempts[hi]!.at < from + SHARE_WINDOW) {
      if (attempts[hi]!.upstream === upstream) mine++;
      hi++;
    }
    while (lo < hi && attempts[lo]!.at < from) {
      if (attempts[lo]!.upstream === upstream) mine--;
      lo++;
    }
    if (hi > lo && mine / (hi - lo) >= bar) {
      fairShareAfter = from + SHARE_WINDOW / 2 - recoveredAt;
      break;
    }
  }
  const early = attempts.filter((a) => a.at >= recoveredAt && a.at < recoveredAt + EARLY_WINDOW);
  return {
    firstProbeAfter: first === undefined ? null : first.at - recoveredAt,
    fairShareAfter,
    earlyShare:
      early.length === 0 ? 0 : early.filter((a) => a.upstream === upstream).length / early.length,
  };
}
