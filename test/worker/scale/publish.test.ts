import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { HubSnapshot } from "../../../src/protocol";
import { publishIntervalMs } from "../../../worker/model/publish-interval";
import type { HealthHub } from "../../../worker/objects/health-hub";
import { configure, hubOf, uniqueService, upstream } from "../helpers";

const heartbeat = { interval: 60_000, timeout: 1_000, rise: 1, fall: 1 };
const A = upstream("/status/200");

async function read(service: string, etag: string | null) {
  const reply = await hubOf(service).health(etag, null);
  if (!reply.ok) throw new Error(reply.error);
  return {
    status: reply.status,
    etag: reply.etag,
    snap: reply.status === 200 ? (JSON.parse(reply.body) as HubSnapshot) : null,
  };
}

const entry = (successes: number, failures = 0, out = 0, reporters = 1) => ({
  url: A,
  successes,
  failures,
  networkErrors: 0,
  timeouts: 0,
  outOfRotation: { answers: out, unreachable: 0 },
  reporters,
});

describe("snapshot publication with the location layer on", () => {
  it("publishes a change to counts alone within its publish interval, a verdict change at once", async () => {
    const service = uniqueService("publish");
    await configure(service, { upstreams: [A], heartbeat });
    await hubOf(service).report("AMS", { upstreams: [entry(30)] });
    const first = await read(service, null);
    expect(first.snap!.upstreams[0]!.locations.AMS).toMatchObject({ verdict: "up", calls: 30 });

    await hubOf(service).report("AMS", { upstreams: [entry(5)] });
    expect(await read(service, first.etag)).toMatchObject({ status: 304, etag: first.etag });
    await runInDurableObject(hubOf(service), (hub: HealthHub) => {
      // One location: counts are due one cache interval after the last publication.
      (hub as unknown as { published: { at: number } }).published.at -= publishIntervalMs(
        1,
        Number(env.HUB_SNAPSHOT_CACHE_MS),
      );
    });
    const later = await read(service, first.etag);
    expect(later.status).toBe(200);
    expect(later.snap!.upstreams[0]!.locations.AMS!.calls).toBe(35);

    // Ten clients' breakers trip (a relay's merged entry): AMS, and so X, go down.
    await hubOf(service).report("AMS", { upstreams: [entry(0, 50, 10, 10)] });
    const down = await read(service, later.etag);
    expect(down.status).toBe(200);
    expect(down.snap!.upstreams[0]).toMatchObject({ verdict: "down", breakerHint: "open" });
  });
});
