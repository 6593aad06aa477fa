import { createClient } from "resilient-fetch";

// Two equivalent upstreams; UPSTREAMS="http://10.0.0.1:8080,http://10.0.0.2:8080" overrides.
const upstreams = (process.env.UPSTREAMS ?? "https://a.internal,https://b.internal").split(",");

const client = createClient({
  upstreams,
  timeout: { attempt: 1_000, total: 5_000 },
  retry: { attempts: 3, backoff: { initial: 50, max: 500 } },
});
client.on("retry", (e) => console.error(`retrying (attempt ${e.attempt}) after ${e.reason}`));

const res = await client.fetch("/v1/users/42");
console.log(res.status, await res.json());
await client.close();
