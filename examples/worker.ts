import { type Client, createClient } from "resilient-fetch";

interface Env {
  /** Comma-separated base URLs, e.g. "https://a.internal,https://b.internal". */
  UPSTREAMS: string;
}

// One client per isolate, created on the first request and kept across requests, so
// upstream statistics (and breakers) carry over from one request to the next.
let client: Client | undefined;

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    client ??= createClient({
      upstreams: env.UPSTREAMS.split(","),
      timeout: { attempt: 1_000, total: 3_000 },
    });
    const url = new URL(request.url);
    const res = await client.fetch(url.pathname + url.search);
    return new Response(res.body, res);
  },
};
