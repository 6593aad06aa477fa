/**
 * Availability figures of one upstream. All durations are ms.
 *
 * - `mtbf`: up time so far (including the current up stretch) per failure; `null` before
 *   the first failure.
 * - `mttr`: mean length of the outages that have ended; `null` before the first repair.
 * - `availability`: `mtbf / (mtbf + mttr)`, the long-run estimate; until both are known
 *   (or if both are 0) it is `uptimeRatio`.
 * - `uptimeRatio`: observed share of time up since tracking began, the current outage
 *   included (1 or 0 by state when no time has passed).
 *
 * @example
 * ```ts
 * const { availability, mtbf } = tracker.figures(now);
 * ```
 */
export interface AvailabilityFigures {
  state: "up" | "down";
  /** When the current state began. */
  since: number;
  /** When tracking began. */
  trackingSince: number;
  /** Up → down transitions. */
  failures: number;
  mtbf: number | null;
  mttr: number | null;
  availability: number;
  uptimeRatio: number;
  /** The reason given to the latest `markDown`, or `null`. */
  reason: string | null;
}

/**
 * MTBF, MTTR and availability of one upstream from its up/down transitions, on injected
 * time. Time that appears to run backwards counts as zero, so no figure is ever negative
 * or NaN.
 *
 * @example
 * ```ts
 * const tracker = new AvailabilityTracker(clock.now());
 * tracker.markDown(clock.now(), "breaker opened: consecutive-failures");
 * tracker.markUp(clock.now());
 * tracker.figures(clock.now()).mttr;
 * ```
 */
export class AvailabilityTracker {
  #up = true;
  #stateSince: number;
  readonly #start: number;
  #upTime = 0;
  #downTime = 0;
  #failures = 0;
  #repairs = 0;
  #reason: string | null = null;

  /** Starts tracking at `now`, with the upstream up. */
  constructor(now: number) {
    if (!Number.isFinite(now)) throw new RangeError(`now must be a finite number, got ${now}`);
    this.#start = now;
    this.#stateSince = now;
  }

  /** Whether the upstream is currently up. */
  get state(): "up" | "down" {
    return this.#up ? "up" : "down";
  }

  /** Records a failure at `now`; returns false (and changes nothing) if already down. */
  markDown(now: number, reason: string): boolean {
    if (!this.#up) return false;
    const at = this.#clamp(now);
    this.#upTime += at - this.#stateSince;
    this.#stateSince = at;
    this.#up = false;
    this.#failures++;
    this.#reason = reason;
    return true;
  }

  /** Records a repair at `now`; returns false (and changes nothing) if already up. */
  markUp(now: number): boolean {
    if (this.#up) return false;
    const at = this.#clamp(now);
    // Tracking starts up, so every outage followed a failure: each one is a repair.
    this.#downTime += at - this.#stateSince;
    this.#repairs++;
    this.#stateSince = at;
    this.#up = true;
    return true;
  }

  /** The figures at `now` (a fresh object). */
  figures(now: number): AvailabilityFigures {
    const current = this.#clamp(now) - this.#stateSince;
    const up = this.#upTime + (this.#up ? current : 0);
    const down = this.#downTime + (this.#up ? 0 : current);
    const total = up + down;
    const uptimeRatio = total > 0 ? up / total : this.#up ? 1 : 0;
    const mtbf = this.#failures > 0 ? up / this.#failures : null;
    const mttr = this.#repairs > 0 ? this.#downTime / this.#repairs : null;
    const known = mtbf !== null && mttr !== null && mtbf + mttr > 0;
    return {
      state: this.state,
      since: this.#stateSince,
      trackingSince: this.#start,
      failures: this.#failures,
      mtbf,
      mttr,
      availability: known ? mtbf / (mtbf + mttr) : uptimeRatio,
      uptimeRatio,
      reason: this.#reason,
    };
  }

  /** `now`, but never before the current state began, nor NaN or infinite. */
  #clamp(now: number): number {
    return Number.isFinite(now) && now > this.#stateSince ? now : this.#stateSince;
  }
}
