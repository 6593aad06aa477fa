// The public API. Names are exported one by one (no `export *`) so the surface is deliberate.
export type { BalancerOptions, SlowStartOptions } from "./balancer/balancer-options";
export type { BalancerName } from "./balancer/picker";
export {
  type BreakersSnapshot,
  type Client,
  type ClientStats,
  createClient,
  type UpstreamStats,
} from "./client";
export type { ClientOptions } from "./client-options";
export { type Clock, sleep, systemClock, type TimerHandle } from "./clock";
export { compose, composeWith, pipeline } from "./compose";
export type { ResilientRequestInit } from "./core/create-call";
export { isIdempotent } from "./core/idempotency";
export type { LayerContext } from "./core/layer-context";
export type { UpstreamInput } from "./core/upstream";
export { BudgetExhaustedError } from "./errors/budget-exhausted-error";
export { CircuitOpenError } from "./errors/circuit-open-error";
export { isResilientError } from "./errors/is-resilient-error";
export { NetworkError } from "./errors/network-error";
export { NoUpstreamError } from "./errors/no-upstream-error";
export { TimeoutError } from "./errors/timeout-error";
export type {
  AttemptEvent,
  ClientEventMap,
  GiveUpEvent,
  HedgeEvent,
  RetryEvent,
} from "./events";
export {
  type HealthHost,
  type HealthSession,
  type HealthSource,
  type HealthStatus,
  type HealthUpstream,
  type LocalState,
  REMOTE_DOWN,
  REMOTE_DRAINED,
  REMOTE_NONE,
  REMOTE_TRICKLE,
  type RemoteGate,
} from "./health-source";
export type { HedgeDelayOptions, HedgeOptions } from "./hedge/hedge-options";
export { deadline } from "./layers/deadline";
export { hedge } from "./layers/hedge";
export { retry } from "./layers/retry";
export { timeout } from "./layers/timeout";
export { transport } from "./layers/transport";
export { type Random, systemRandom } from "./random";
export { backoffDelay, type Jitter } from "./retry/backoff";
export { parseRetryAfter } from "./retry/retry-after";
export { RetryBudget } from "./retry/retry-budget";
export type { RetryOptions } from "./retry/retry-options";
export type { Call, FetchLike, Handler, Layer } from "./types";
