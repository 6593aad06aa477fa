/**
 * `resilient-fetch/testing`: virtual time, seeded randomness and simulated upstreams, for
 * this library's tests and benchmarks and for trying a client configuration against a
 * simulated fleet before deploying it. Web-standard APIs only: runs in Node, Deno, Bun,
 * workerd and browsers.
 */

export {
  constant,
  exponential,
  type LognormalOptions,
  lognormal,
  type Sampler,
  type StragglerOptions,
  uniform,
  withStragglers,
} from "./distributions";
export { ManualClock, type ManualClockOptions, type RunUntilIdleOptions } from "./manual-clock";
export { runSimulation, type SimulationOptions, type SimulationResult } from "./run-simulation";
export { seededRandom } from "./seeded-random";
export { settle } from "./settle";
export {
  createSimulatedFleet,
  type SimulatedFleet,
  type SimulatedFleetOptions,
} from "./simulated-fleet";
export { type LatencySummary, summarize } from "./summarize";
export type { Outage, OutageMode, Overload, UpstreamModel } from "./upstream-model";
export type { UpstreamStats } from "./upstream-stats";
