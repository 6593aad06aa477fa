import { createClient } from "resilient-fetch";

// bun bun.ts
const upstreams = (Bun.env.UPSTREAMS ?? "https://a.internal,https://b.internal").split(",");

const client = createClient({ upstreams, retry: { attempts: 2 } });

// Several calls at once: each picks an upstream; stats() shows how they spread.
const responses = await Promise.all(["/v1/users/1", "/v1/users/2"].map((p) => client.fetch(p)));
console.log(
  responses.map((r) => r.status),
  client.stats().upstreams.map((u) => u.requests),
);
await client.close();
