import type { BreakerStrategy } from "./breaker-strategy";
import { CountWindow } from "./count-window";

/**
 * Opens when, over the last `window` calls and with at least `minCalls` of them, the share
 * of failures is at least `threshold`. Checked after every call, so the call that brings
 * the window up to `minCalls` can open it even if that call succeeded.
 *
 * @example
 * ```ts
 * const s = new FailureRateStrategy({ threshold: 0.5, window: 4, minCalls: 2 });
 * s.onSuccess(5); // false: 1 call
 * s.onFailure(5); // true: 1 of 2 failed
 * ```
 */
export class FailureRateStrategy implements BreakerStrategy {
  readonly name = "failure-rate";
  readonly #calls: CountWindow;
  readonly #threshold: number;
  readonly #minCalls: number;

  constructor(options: { threshold: number; window: number; minCalls: number }) {
    this.#calls = new CountWindow(options.window);
    this.#threshold = options.threshold;
    this.#minCalls = options.minCalls;
  }

  onSuccess(): boolean {
    this.#calls.push(false);
    return this.#calls.exceeds(this.#threshold, this.#minCalls);
  }

  onFailure(): boolean {
    this.#calls.push(true);
    return this.#calls.exceeds(this.#threshold, this.#minCalls);
  }

  reset(): void {
    this.#calls.reset();
  }
}
