/**
 * The guard's pure parts: classification, the per-upstream circuit breaker, outlier
 * ejection across upstreams, panic mode and availability figures. Nothing here reads a
 * clock or sets a timer; every method takes `now` (ms) and, where it needs one, a `Random`.
 */

export { type AvailabilityFigures, AvailabilityTracker } from "./availability-tracker";
export {
  type BreakerOptions,
  type OpenForOptions,
  type ResolvedBreakerOptions,
  type ResolvedOpenFor,
  resolveBreakerOptions,
} from "./breaker-options";
export { type BreakerSnapshot, type BreakerState, parseBreakerSnapshot } from "./breaker-state";
export { type BreakerStrategy, createStrategies } from "./breaker-strategy";
export { CircuitBreaker, type TransitionListener } from "./circuit-breaker";
export {
  type AttemptOutcome,
  type Classification,
  type Classifier,
  classify,
  isTimeoutError,
} from "./classify";
export { ConsecutiveFailuresStrategy } from "./consecutive-failures-strategy";
export { FailureRateStrategy } from "./failure-rate-strategy";
export { openDuration } from "./open-duration";
export { type EjectionReason, OutlierDetector, type OutlierEvents } from "./outlier-detector";
export {
  type OutlierOptions,
  type ResolvedOutlierOptions,
  resolveOutlierOptions,
} from "./outlier-options";
export { panicMode } from "./panic-mode";
export { ADMIT, type Permit, PROBE, permitKind, REJECT } from "./permit";
export { SlowCallRateStrategy } from "./slow-call-rate-strategy";
export { successRateThreshold } from "./success-rate-threshold";
