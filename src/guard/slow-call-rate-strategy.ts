import type { BreakerStrategy } from "./breaker-strategy";
import { CountWindow } from "./count-window";

/**
 * Opens when, over the last `window` calls and with at least `minCalls` of them, the share
 * of calls slower than `threshold` ms is at least `rate`. Failures count too: a slow failure
 * is a slow call (as in Resilience4j), so a hanging upstream trips it even before timeouts
 * add up to a failure rate.
 *
 * @example
 * ```ts
 * const s = new SlowCallRateStrategy({ threshold: 1_000, rate: 0.5, window: 2, minCalls: 2 });
 * s.onSuccess(1_500); // false: 1 call
 * s.onSuccess(20); // true: 1 of 2 slow
 * ```
 */
export class SlowCallRateStrategy implements BreakerStrategy {
  readonly name = "slow-call-rate";
  readonly #calls: CountWindow;
  readonly #threshold: number;
  readonly #rate: number;
  readonly #minCalls: number;

  constructor(options: { threshold: number; rate: number; window: number; minCalls: number }) {
    this.#calls = new CountWindow(options.window);
    this.#threshold = options.threshold;
    this.#rate = options.rate;
    this.#minCalls = options.minCalls;
  }

  onSuccess(durationMs: number): boolean {
    this.#calls.push(durationMs > this.#threshold);
    return this.#calls.exceeds(this.#rate, this.#minCalls);
  }

  onFailure(durationMs: number): boolean {
    return this.onSuccess(durationMs);
  }

  reset(): void {
    this.#calls.reset();
  }
}
