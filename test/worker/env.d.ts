// Types for the Workers-pool tests: the hub's bindings and main module as
// `cloudflare:workers` sees them, and the port that global-setup.ts provides.
import type { Env as HubEnv } from "../../worker/env";

declare global {
  namespace Cloudflare {
    interface Env extends Required<HubEnv> {}
    interface GlobalProps {
      mainModule: typeof import("../../worker/index");
      durableNamespaces: "HealthHub";
    }
  }
}

declare module "vitest" {
  export interface ProvidedContext {
    upstreamPort: number;
    /** Requests per endpoint and the seed of the abuse suite (vitest.config.ts). */
    abuse: { runs: number; seed: number };
  }
}
