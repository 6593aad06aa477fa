import { type Client, createClient } from "resilient-fetch";
import { hubSync } from "resilient-fetch/hub";

interface Env {
  /** Comma-separated base URLs, e.g. "https://a.internal,https://b.internal". */
  UPSTREAMS: string;
  /** The service's name at the hub, e.g. "payments". */
  HUB_SERVICE: string;
  /** The hub as a service binding: [[services]] binding = "HUB", service = "resilient-fetch-hub". */
  HUB: { fetch(input: string, init?: RequestInit): Promise<Response> };
  /** The hub's report token: `wrangler secret put HUB_REPORT_TOKEN`. */
  HUB_REPORT_TOKEN: string;
}

interface Context {
  waitUntil(promise: Promise<unknown>): void;
}

// One client per isolate, created on the first request and kept across requests. Hub sync
// rides on its calls: no timers run between requests, and its work goes to `waitUntil`.
let client: Client | undefined;

export default {
  async fetch(request: Request, env: Env, ctx: Context): Promise<Response> {
    client ??= createClient({
      upstreams: env.UPSTREAMS.split(","),
      timeout: { attempt: 1_000, total: 3_000 },
      health: hubSync({
        hub: env.HUB, // or the hub's URL: "https://resilient-fetch-hub.example.workers.dev"
        service: env.HUB_SERVICE,
        token: env.HUB_REPORT_TOKEN,
        // This location; through a URL the hub also works it out from the request itself.
        colo: (request as { cf?: { colo?: string } }).cf?.colo,
      }),
    });
    const url = new URL(request.url);
    const res = await client.fetch(url.pathname + url.search, {
      waitUntil: ctx.waitUntil.bind(ctx),
    });
    return new Response(res.body, res);
  },
};
