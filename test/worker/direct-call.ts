import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../worker/index";

/**
 * Calls the hub Worker's fetch handler directly, with the real bindings (its Durable
 * Object calls are real RPC), and waits for its `waitUntil` work. For tests that send
 * hundreds of requests: in the Workers pool each `exports.default.fetch` / `SELF.fetch` is
 * slower than the one before (cloudflare/workers-sdk#15446; seen here: 100 `/healthz`
 * calls took 2.4 s, then 12 s, 20 s, 28 s), which a direct call is not.
 *
 * @example
 * ```ts
 * const res = await direct(new Request("http://hub.test/healthz"));
 * ```
 */
export async function direct(request: Request, bindings: typeof env = env): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(request, bindings, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}
