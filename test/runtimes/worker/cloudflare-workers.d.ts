// The one piece of `cloudflare:workers` the e2e Worker test uses, so that it type-checks with
// the root tsconfig (DOM + Node types) instead of the Workers runtime types
// (worker-configuration.d.ts, which only the hub's tsconfig loads).
declare module "cloudflare:workers" {
  /** The main module's handlers, called through workerd (a new request per call). */
  export const exports: {
    default: { fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> };
  };
}
