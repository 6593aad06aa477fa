import { describe, expect, it } from "vitest";
import { InFlight } from "../../src/core/in-flight";
import { compose, composeWith, createClient, deadline, retry, timeout } from "../../src/index";
import { ManualClock } from "../../src/testing/index";
import { type LocalServer, startServer, until } from "./helpers/local-server";
import { scriptedFetch } from "./helpers/scripted-fetch";

describe("compose", () => {
  it("builds a fetch from chosen layers around any absolute URL", async () => {
    let calls = 0;
    const fetchWithRetry = compose(
      async () => new Response(null, { status: calls++ === 0 ? 503 : 204 }),
      retry({ attempts: 2, backoff: { initial: 0 } }),
      timeout(1_000),
    );
    expect((await fetchWithRetry("https://api.example/items")).status).toBe(204);
    expect(calls).toBe(2);
  });

  it("enforces a deadline on virtual time without a timeout layer", async () => {
    const clock = new ManualClock(0);
    const { fetch } = scriptedFetch();
    const send = composeWith(clock, fetch, [deadline(50)]);
    const outcome = send("https://api.example/").catch((e: unknown) => e);
    await clock.advanceAsync(50);
    expect(await outcome).toMatchObject({ name: "TimeoutError", limit: "total" });
  });
});

describe("abandoned attempts against a real server", () => {
  let server: LocalServer | undefined;
  it("closes the connection of an attempt that timed out", async () => {
    server = await startServer(() => new Promise<void>(() => {})); // never answers
    const clock = new ManualClock(0);
    const client = createClient({
      upstreams: [server.url],
      clock,
      timeout: { attempt: 100 },
      retry: false,
    });
    const outcome = client.fetch("/hang").catch((e: unknown) => e);
    await until(() => server!.requests.length === 1);
    await clock.advanceAsync(100);
    expect(await outcome).toMatchObject({ name: "TimeoutError", limit: "attempt" });
    await until(() => server!.abandoned === 1);
    await client.close();
    await server.close();
  });
});

describe("InFlight", () => {
  it("drops entries at their deadline even if they never end (a Worker cut off mid-call)", () => {
    const inFlight = new InFlight();
    const a = inFlight.start(100);
    inFlight.start(200);
    expect(inFlight.count(50)).toBe(2);
    expect(inFlight.count(150)).toBe(1);
    inFlight.end(a); // ending an expired entry is a no-op
    expect(inFlight.count(150)).toBe(1);
    expect(inFlight.count(200)).toBe(0);
    const c = inFlight.start(300);
    inFlight.end(c);
    expect(inFlight.count(250)).toBe(0);
  });

  it("ignores a late end() for an expired entry whose slot was reused", () => {
    const inFlight = new InFlight();
    const stale = inFlight.start(100);
    expect(inFlight.count(100)).toBe(0);
    inFlight.start(500); // reuses the slot
    inFlight.end(stale);
    expect(inFlight.count(200)).toBe(1);
  });
});
