// Type-checked in the temporary project that installed the tarball: by tsc with
// moduleResolution NodeNext and Bundler, and by `deno check`. The @ts-expect-error lines
// fail the check if the package's types resolve to `any` (unused directive).
import { CircuitOpenError, type Client, createClient, isResilientError } from "resilient-fetch";
import { type HubSyncEvent, hubSync } from "resilient-fetch/hub";
import { ManualClock, seededRandom } from "resilient-fetch/testing";

const client: Client = createClient({
  upstreams: ["https://a.internal", { url: "https://b.internal", weight: 2 }],
  clock: new ManualClock(),
  random: seededRandom(1),
  health: hubSync({
    hub: "https://hub.example",
    service: "payments",
    token: "t",
    background: false,
  }),
});
client.on("hub", (event: HubSyncEvent) => event.type);
const verdict: string | undefined = client.stats().upstreams[0]?.hub?.verdict;

// @ts-expect-error -- `hubSync` needs `service` and `token`.
hubSync({ hub: "https://hub.example" });

// @ts-expect-error -- `upstreams` is required.
createClient({});

// @ts-expect-error -- `fetch` returns a Promise<Response>, not a string.
const wrong: string = client.fetch("/v1/users/42");

export function isOpen(error: unknown): boolean {
  return error instanceof CircuitOpenError || isResilientError(error, "CircuitOpenError");
}
export { verdict, wrong };
