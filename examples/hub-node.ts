import { createClient } from "resilient-fetch";
import { hubSync } from "resilient-fetch/hub";

// UPSTREAMS, HUB_URL, HUB_SERVICE and HUB_REPORT_TOKEN come from the environment.
const client = createClient({
  upstreams: (process.env.UPSTREAMS ?? "https://a.internal,https://b.internal").split(","),
  health: hubSync({
    hub: process.env.HUB_URL ?? "https://resilient-fetch-hub.example.workers.dev",
    service: process.env.HUB_SERVICE ?? "payments",
    token: process.env.HUB_REPORT_TOKEN ?? "",
    colo: "fra-dc1", // where this process runs (off Cloudflare the hub cannot tell)
  }),
});
client.on("hub", (e) => {
  if (e.type === "unreachable") console.error(`hub ${e.request} failed: ${e.error}`);
});

const res = await client.fetch("/v1/users/42");
console.log(res.status, await res.json());
console.log(client.stats().upstreams.map((u) => `${u.url}: ${u.hub?.verdict ?? "no verdict"}`));
await client.close(); // sends the last report; nothing keeps running
