import { createClient } from "resilient-fetch";

// deno run --allow-net --allow-env=UPSTREAMS deno.ts
const upstreams = (Deno.env.get("UPSTREAMS") ?? "https://a.internal,https://b.internal").split(",");

const client = createClient({ upstreams, timeout: { attempt: 1_000, total: 5_000 } });

// Abort the whole call, retries included, when the user presses Ctrl-C.
const controller = new AbortController();
Deno.addSignalListener("SIGINT", () => controller.abort());

const res = await client.fetch("/v1/users/42", { signal: controller.signal });
console.log(res.status, await res.json());
await client.close();
