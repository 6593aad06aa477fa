import type { ResolvedBreakerOptions } from "./breaker-options";
import { ConsecutiveFailuresStrategy } from "./consecutive-failures-strategy";
import { FailureRateStrategy } from "./failure-rate-strategy";
import { SlowCallRateStrategy } from "./slow-call-rate-strategy";

/**
 * One rule for when a closed breaker should open. The breaker feeds every classified call
 * of its closed period to each strategy and opens when any returns `true`; strategies only
 * count, they never see time or state.
 *
 * @example
 * ```ts
 * class EveryFailure implements BreakerStrategy {
 *   readonly name = "every-failure";
 *   onSuccess() { return false; }
 *   onFailure() { return true; }
 *   reset() {}
 * }
 * ```
 */
export interface BreakerStrategy {
  /** Reported as the transition reason when this strategy opens the breaker. */
  readonly name: string;
  /** Counts a successful call that ended at `now`; returns whether the breaker should open. */
  onSuccess(durationMs: number, now: number): boolean;
  /** Counts a failed call that ended at `now`; returns whether the breaker should open. */
  onFailure(durationMs: number, now: number): boolean;
  /** Forgets everything counted (the breaker calls it whenever it closes). */
  reset(): void;
}

/**
 * The strategies that resolved options switch on, in a fixed order.
 *
 * @example
 * ```ts
 * const strategies = createStrategies(resolveBreakerOptions({}) as ResolvedBreakerOptions);
 * strategies.map((s) => s.name); // ["consecutive-failures", "failure-rate"]
 * ```
 */
export function createStrategies(options: ResolvedBreakerOptions): BreakerStrategy[] {
  const strategies: BreakerStrategy[] = [];
  if (options.consecutiveFailures !== false) {
    strategies.push(new ConsecutiveFailuresStrategy(options.consecutiveFailures));
  }
  if (options.failureRate !== false) strategies.push(new FailureRateStrategy(options.failureRate));
  if (options.slowCall !== false) strategies.push(new SlowCallRateStrategy(options.slowCall));
  return strategies;
}
