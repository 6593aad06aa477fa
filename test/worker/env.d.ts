// Types for the Workers-pool tests: the port that global-setup.ts provides. The hub's
// bindings and main module (`Cloudflare.Env`, `Cloudflare.GlobalProps`, which
// `cloudflare:workers` and `cloudflare:test` read) come from worker-configuration.d.ts.
// The import makes this file a module, so the block below augments vitest.
import type {} from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    upstreamPort: number;
    /** Requests per endpoint and the seed of the abuse suite (vitest.config.ts). */
    abuse: { runs: number; seed: number };
  }
}
