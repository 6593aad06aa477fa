/**
 * Upstream selection: pure pickers over a reusable candidate array, slow start, and the
 * balancing options.
 */
export {
  type BalancerOptions,
  type ResolvedBalancerOptions,
  resolveBalancerOptions,
  type SlowStartOptions,
} from "./balancer-options";
export type { BalancerCandidate } from "./candidate";
export { pickLeastRequest } from "./least-request";
export { type PickSample, p2cCost, pickP2C, UNKNOWN_LATENCY_PENALTY } from "./p2c";
export { BALANCER_NAMES, type BalancerName, createPicker, type Picker } from "./picker";
export { slowStartFactor, slowStartWeight } from "./slow-start";
export { pickSmoothWeightedRoundRobin } from "./smooth-weighted-round-robin";
export { pickWeightedRandom } from "./weighted-random";
