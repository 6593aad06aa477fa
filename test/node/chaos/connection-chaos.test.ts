import { describeChaos } from "./chaos-suite";

// Issue 14, client chaos: upstreams whose connections break (refused, reset or hung before
// or during the answer, closed between keep-alive requests, answered before the request
// body was read). See chaos-run.ts for what each run checks.
describeChaos("connections that break", [
  "refused",
  "reset-before-headers",
  "reset-mid-body",
  "hang-before-headers",
  "hang-mid-body",
  "keep-alive-close",
  "early-answer",
]);
