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
  private count = 0;

  constructor(private readonly threshold: number) {}

  onSuccess(): boolean {
    this.count = 0;
    return false;
  }

  onFailure(): boolean {
    this.count++;
    return this.count >= this.threshold;
  }

  reset(): void {
    this.count = 0;
  }
}
