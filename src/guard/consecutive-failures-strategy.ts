import type { BreakerStrategy } from "./breaker-strategy";

/**
 * Opens after `threshold` failures in a row; any success starts the count again.
 *
 * @example
 * ```ts
 * const s = new ConsecutiveFailuresStrategy(2);
 * s.onFailure(10); // false
 * s.onFailure(10); // true
 * ```
 */
export class ConsecutiveFailuresStrategy implements BreakerStrategy {
  readonly name = "consecutive-failures";
  #count = 0;
  #lastFailureStart = -Infinity;

  readonly #threshold: number;

  constructor(threshold: number) {
    this.#threshold = threshold;
  }

  onSuccess(durationMs: number, now: number): boolean {
    // A success that was sent before the latest failure was sent is older news: a call
    // that went out just before an outage and returned during it must not hide the outage.
    if (!(now - durationMs < this.#lastFailureStart)) this.#count = 0;
    return false;
  }

  onFailure(durationMs: number, now: number): boolean {
    this.#count++;
    const sent = now - durationMs;
    if (sent > this.#lastFailureStart) this.#lastFailureStart = sent;
    return this.#count >= this.#threshold;
  }

  reset(): void {
    this.#count = 0;
    this.#lastFailureStart = -Infinity;
  }
}
