import { describeChaos } from "./chaos-suite";

// Issue 14, client chaos: upstreams whose answers are wrong (dripped, 5xx bursts, 429 with
// any Retry-After, oversized headers, garbage, truncated or overlong bodies) and a mix of
// every fault. See chaos-run.ts for what each run checks.
describeChaos("answers that are wrong", [
  "slow-drip",
  "5xx-burst",
  "429-retry-after",
  "huge-headers",
  "garbage-status",
  "truncated-body",
  "mix",
]);
