import { describe, expect, it } from "vitest";
import { createClient } from "../../src/index";
import { ManualClock, seededRandom } from "../../src/testing/index";
import { scriptedFetch } from "./helpers/scripted-fetch";

function setup(options: Record<string, unknown> = {}) {
  const clock = new ManualClock(1_000_000);
  const { fetch, sent } = scriptedFetch();
  const client = createClient({
    upstreams: ["http://a.test", "http://b.test"],
    fetch,
    clock,
    random: seededRandom(1),
    balancer: "round-robin",
    ...options,
  });
  return { clock, sent, client };
}

describe("client lifecycle", () => {
  it("resolves every close() once the calls in flight have settled, not only the last", async () => {
    const { clock, sent, client } = setup();
    const pending = client.fetch("/");
    await clock.advanceAsync(0);
    let first = false;
    let second = false;
    void client.close().then(() => {
      first = true;
    });
    void client.close().then(() => {
      second = true;
    });
    sent[0]!.respond(200);
    await pending;
    await clock.advanceAsync(0);
    expect(second).toBe(true);
    expect(first).toBe(true);
  });
});
