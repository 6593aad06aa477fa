import { describe, expect, it } from "vitest";
import {
  type ClientOptions,
  composeWith,
  createClient,
  type HedgeEvent,
  hedge,
} from "../../src/index";
import { ManualClock, seededRandom } from "../../src/testing/index";
import { scriptedFetch } from "./helpers/scripted-fetch";

const A = "http://a.test";
const B = "http://b.test";
const C = "http://c.test";

function setup(options: Partial<ClientOptions> = {}) {
  const clock = new ManualClock(1_000_000);
  const { fetch, sent } = scriptedFetch();
  const client = createClient({
    upstreams: [A, B, C],
    fetch,
    clock,
    random: seededRandom(3),
    balancer: "round-robin",
    hedge: { delay: 50, budget: false },
    ...options,
  });
  const hedges: HedgeEvent[] = [];
  client.on("hedge", (event) => hedges.push(event));
  return { clock, sent, client, hedges };
}

const originOf = (url: string) => new URL(url).origin;

describe("hedge: timing", () => {
  it("sends the hedge exactly at the delay, to another upstream, and aborts the loser", async () => {
    const { clock, sent, client, hedges } = setup();
    const pending = client.fetch("/item");
    await clock.advanceAsync(49);
    expect(sent).toHaveLength(1);
    await clock.advanceAsync(1);
    expect(sent).toHaveLength(2);
    expect(originOf(sent[1]!.url)).not.toBe(originOf(sent[0]!.url));
    expect(hedges).toEqual([
      {
        upstream: originOf(sent[1]!.url),
        primaryUpstream: originOf(sent[0]!.url),
        afterMs: 50,
        reason: "delay",
        attempt: 2,
      },
    ]);
    sent[1]!.respond(200, undefined, "from the hedge");
    const res = await pending;
    expect(await res.text()).toBe("from the hedge");
    expect(sent[0]!.aborted).toBe(true);
    expect(clock.pendingTimers).toBe(0);
    const stats = client.stats().upstreams;
    const primary = stats.find((u) => u.url === originOf(sent[0]!.url))!;
    const hedged = stats.find((u) => u.url === originOf(sent[1]!.url))!;
    expect(hedged.hedges).toBe(1);
    // The abandoned primary is not the upstream's fault.
    expect(primary.failures).toBe(0);
    expect(primary.breaker?.kind).toBe("closed");
  });

  it("does not hedge when the first attempt answers before the delay, and leaves no timer", async () => {
    const { clock, sent, client, hedges } = setup();
    const pending = client.fetch("/item");
    await clock.advanceAsync(30);
    sent[0]!.respond(200);
    expect((await pending).status).toBe(200);
    expect(clock.pendingTimers).toBe(0);
    await clock.advanceAsync(1_000);
    expect(sent).toHaveLength(1);
    expect(hedges).toHaveLength(0);
  });

  it("takes the primary's answer when it comes after the hedge was sent", async () => {
    const { clock, sent, client } = setup();
    const pending = client.fetch("/item");
    await clock.advanceAsync(60);
    sent[0]!.respond(200, undefined, "primary");
    expect(await (await pending).text()).toBe("primary");
    expect(sent[1]!.aborted).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it("sends up to `max` hedges, one delay apart, each to a different upstream", async () => {
    const { clock, sent, client, hedges } = setup({ hedge: { delay: 20, max: 2, budget: false } });
    const pending = client.fetch("/item");
    await clock.advanceAsync(20);
    expect(sent).toHaveLength(2);
    await clock.advanceAsync(20);
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((s) => originOf(s.url))).size).toBe(3);
    expect(hedges.map((h) => [h.afterMs, h.attempt])).toEqual([
      [20, 2],
      [40, 3],
    ]);
    await clock.advanceAsync(1_000);
    expect(sent).toHaveLength(3);
    sent[2]!.respond(200);
    expect((await pending).status).toBe(200);
    expect(sent[0]!.aborted && sent[1]!.aborted).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it("never schedules a hedge past the deadline", async () => {
    const { clock, sent, client } = setup({
      timeout: { total: 40 },
      retry: false,
      hedge: { delay: { min: 5, max: 1_000 }, budget: false }, // no samples yet: 1 s
    });
    const outcome = client.fetch("/item").catch((e: unknown) => e);
    await clock.advanceAsync(0);
    expect(clock.pendingTimers).toBe(1); // the attempt's own deadline timer, no hedge timer
    await clock.advanceAsync(40);
    expect(await outcome).toMatchObject({ name: "TimeoutError", limit: "total" });
    expect(sent).toHaveLength(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it("cancels everything when the caller aborts during the delay", async () => {
    const { clock, sent, client } = setup();
    const controller = new AbortController();
    const outcome = client.fetch("/item", { signal: controller.signal }).catch((e: unknown) => e);
    await clock.advanceAsync(20);
    controller.abort(new Error("caller gave up"));
    expect(await outcome).toMatchObject({ message: "caller gave up" });
    expect(sent[0]!.aborted).toBe(true);
    expect(clock.pendingTimers).toBe(0);
    await clock.advanceAsync(1_000);
    expect(sent).toHaveLength(1);
  });

  it("cancels both attempts when the caller aborts after the hedge went out", async () => {
    const { clock, sent, client } = setup();
    const controller = new AbortController();
    const outcome = client.fetch("/item", { signal: controller.signal }).catch((e: unknown) => e);
    await clock.advanceAsync(60);
    controller.abort(new Error("caller gave up"));
    expect(await outcome).toMatchObject({ message: "caller gave up" });
    expect(sent.map((s) => s.aborted)).toEqual([true, true]);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe("hedge: failures", () => {
  it("sends the hedge at once when the primary answers 503", async () => {
    const { clock, sent, client, hedges } = setup();
    const pending = client.fetch("/item");
    await clock.advanceAsync(10);
    sent[0]!.respond(503);
    await clock.advanceAsync(0);
    expect(sent).toHaveLength(2);
    expect(hedges[0]).toMatchObject({ reason: "failure", afterMs: 10 });
    sent[1]!.respond(200);
    expect((await pending).status).toBe(200);
    expect(clock.pendingTimers).toBe(0);
  });

  it("sends the hedge at once when the primary's connection is refused", async () => {
    const { clock, sent, client, hedges } = setup();
    const pending = client.fetch("/item");
    await clock.advanceAsync(5);
    sent[0]!.refuse();
    await clock.advanceAsync(0);
    expect(hedges[0]).toMatchObject({ reason: "failure", afterMs: 5 });
    sent[1]!.respond(200);
    expect((await pending).status).toBe(200);
  });

  it("returns a non-retryable response at once and aborts the hedge", async () => {
    const { clock, sent, client } = setup();
    const pending = client.fetch("/item");
    await clock.advanceAsync(60);
    sent[0]!.respond(404);
    expect((await pending).status).toBe(404);
    expect(sent[1]!.aborted).toBe(true);
  });

  it("hands the last failure to the retry layer when every attempt fails", async () => {
    const { clock, sent, client } = setup({ retry: false });
    const pending = client.fetch("/item");
    await clock.advanceAsync(60);
    sent[0]!.respond(503);
    await clock.advanceAsync(5);
    expect(sent).toHaveLength(2); // max 1: no third attempt
    sent[1]!.respond(502);
    expect((await pending).status).toBe(502);
    expect(clock.pendingTimers).toBe(0);
  });

  it("rethrows the last error when every attempt fails, and the retry layer retries it", async () => {
    const { clock, sent, client } = setup({
      retry: { attempts: 2, backoff: { initial: 100, jitter: "none" } },
    });
    const pending = client.fetch("/item");
    await clock.advanceAsync(60);
    sent[0]!.refuse();
    await clock.advanceAsync(0);
    sent[1]!.refuse();
    await clock.advanceAsync(100);
    // The retry is a new hedged group: its primary goes to the upstream not tried yet.
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((s) => originOf(s.url))).size).toBe(3);
    sent[2]!.respond(200);
    expect((await pending).status).toBe(200);
  });

  it("rejects with the error when an attempt fails and no upstream is left to hedge to", async () => {
    const { clock, sent, client, hedges } = setup({ upstreams: [A, B], retry: false });
    client.isolate(B);
    const outcome = client.fetch("/item").catch((e: unknown) => e);
    await clock.advanceAsync(5);
    sent[0]!.refuse();
    expect(await outcome).toMatchObject({ name: "NetworkError" });
    expect(sent).toHaveLength(1);
    expect(hedges).toHaveLength(0);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe("hedge: which calls", () => {
  it("never hedges a POST without an idempotency key", async () => {
    const { clock, sent, client, hedges } = setup();
    const pending = client.fetch("/charge", { method: "POST", body: "{}" });
    await clock.advanceAsync(1_000);
    expect(sent).toHaveLength(1);
    expect(hedges).toHaveLength(0);
    sent[0]!.respond(201);
    expect((await pending).status).toBe(201);
  });

  it("hedges a POST with an Idempotency-Key and replays its body", async () => {
    const { clock, sent, client } = setup();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"amount":1}'));
        controller.close();
      },
    });
    const pending = client.fetch("/charge", {
      method: "POST",
      headers: { "Idempotency-Key": "k-1" },
      body,
      duplex: "half",
    } as RequestInit);
    await clock.advanceAsync(50);
    expect(sent).toHaveLength(2);
    const bodies = sent.map((s) => new TextDecoder().decode(s.init!.body as Uint8Array));
    expect(bodies).toEqual(['{"amount":1}', '{"amount":1}']);
    sent[1]!.respond(201);
    expect((await pending).status).toBe(201);
  });

  it("does not hedge a streamed body nobody buffered (retry off)", async () => {
    const { clock, sent, client } = setup({ retry: false });
    const body = new ReadableStream({
      start(controller) {
        controller.close();
      },
    });
    const pending = client.fetch("/put", { method: "PUT", body, duplex: "half" } as RequestInit);
    await clock.advanceAsync(1_000);
    expect(sent).toHaveLength(1);
    sent[0]!.respond(204);
    await pending;
  });

  it("does not hedge with a single upstream", async () => {
    const { clock, sent, client } = setup({ upstreams: [A] });
    const pending = client.fetch("/item");
    await clock.advanceAsync(1_000);
    expect(sent).toHaveLength(1);
    sent[0]!.respond(200);
    await pending;
  });

  it("does not hedge when every other upstream's breaker is open", async () => {
    const { clock, sent, client } = setup({ upstreams: [A, B] });
    client.isolate(B);
    const pending = client.fetch("/item");
    await clock.advanceAsync(1_000);
    expect(sent.map((s) => originOf(s.url))).toEqual([A]);
    sent[0]!.respond(200);
    await pending;
    expect(clock.pendingTimers).toBe(0);
  });
});

describe("hedge: where it goes", () => {
  it("sends no hedge when the only other upstream is half-open with its probe slot taken", async () => {
    const { clock, sent, client, hedges } = setup({ upstreams: [A, B] });
    const now = clock.now();
    client.restoreBreakers({
      v: 1,
      breakers: {
        [B]: {
          v: 1,
          state: { kind: "half-open", since: now, probesInFlight: 0 },
          trips: 1,
          decayFrom: 0,
        },
      },
    });
    // B's one probe goes out with one of two calls and stays out; the other call is answered.
    const early = [client.fetch("/early"), client.fetch("/early")];
    expect(sent.map((s) => originOf(s.url)).sort()).toEqual([A, B]);
    sent.find((s) => originOf(s.url) === A)!.respond(200);
    const pending = client.fetch("/item");
    await clock.advanceAsync(1_000);
    const forItem = sent.filter((s) => new URL(s.url).pathname === "/item");
    expect(forItem.map((s) => originOf(s.url))).toEqual([A]);
    expect(hedges.filter((h) => h.upstream === h.primaryUpstream)).toEqual([]);
    for (const attempt of sent) attempt.respond(200);
    await Promise.all([...early, pending]);
    await client.close();
  });
});

describe("hedge: budget", () => {
  it("caps the extra requests at the budget's share of calls", async () => {
    const { clock, sent, client, hedges } = setup({
      hedge: { delay: 10, budget: { ratio: 0.1 } },
      retry: false,
    });
    // Every primary is slow, so without a budget every call would be hedged.
    for (let i = 0; i < 200; i++) {
      const before = sent.length;
      const pending = client.fetch("/item");
      await clock.advanceAsync(30);
      for (const attempt of sent.slice(before)) attempt.respond(200);
      await pending;
    }
    expect(hedges.length).toBeGreaterThanOrEqual(15);
    expect(hedges.length).toBeLessThanOrEqual(20);
    expect(sent.length).toBe(200 + hedges.length);
    expect(clock.pendingTimers).toBe(0);
  });

  it("sends no hedge (and no hedge timer) while the budget is empty", async () => {
    const { clock, sent, client } = setup({ hedge: { delay: 10 } }); // 5%: none for the first call
    const pending = client.fetch("/item");
    await clock.advanceAsync(0);
    const timersOfOneAttempt = clock.pendingTimers; // the attempt's own timeout
    await clock.advanceAsync(100);
    expect(sent).toHaveLength(1);
    sent[0]!.respond(200);
    await pending;
    expect(timersOfOneAttempt).toBe(1);
  });
});

describe("hedge: adaptive delay", () => {
  it("waits for the percentile of the target upstream's latency once it has samples", async () => {
    const latencyOf: Record<string, number> = { [A]: 20, [B]: 40, [C]: 60 };
    const { clock, sent, client, hedges } = setup({
      hedge: { delay: { percentile: 0.9, min: 1, max: 500, minSamples: 5 }, budget: false },
    });
    // An absolute URL pins the first attempt to that upstream.
    for (let i = 0; i < 10; i++) {
      for (const origin of [A, B, C]) {
        const primary = sent.length;
        const pending = client.fetch(`${origin}/item`);
        await clock.advanceAsync(latencyOf[origin]!);
        sent[primary]!.respond(200); // the hedge, if one went out at the same instant, loses
        await pending;
      }
    }
    hedges.length = 0;
    for (const origin of [A, B, C]) {
      const pending = client.fetch(`${origin}/item`);
      await clock.advanceAsync(0);
      const primary = sent[sent.length - 1]!;
      expect(originOf(primary.url)).toBe(origin);
      const latency = latencyOf[origin]!;
      await clock.advanceAsync(latency - 1);
      expect(hedges).toHaveLength(0);
      await clock.advanceAsync(1);
      expect(hedges).toEqual([expect.objectContaining({ afterMs: latency, reason: "delay" })]);
      primary.respond(200);
      await pending;
      hedges.length = 0;
    }
  });

  it("uses the latency of all upstreams while the target has too few samples", async () => {
    const { clock, sent, client, hedges } = setup({
      upstreams: [A, B, C, "http://d.test"],
      hedge: { delay: { percentile: 0.5, min: 1, minSamples: 4 }, budget: false },
    });
    async function call(): Promise<void> {
      const pending = client.fetch("/item");
      await clock.advanceAsync(30);
      sent[sent.length - 1]!.respond(200);
      await pending;
    }
    // One call on each upstream at 30 ms; while fewer than 4 are known, the delay is 1 s.
    for (let i = 0; i < 4; i++) await call();
    expect(hedges).toHaveLength(0);
    // Each upstream has 1 sample, too few: the delay is the median over all of them.
    const pending = client.fetch("/item");
    await clock.advanceAsync(29);
    expect(hedges).toHaveLength(0);
    await clock.advanceAsync(1);
    expect(hedges).toHaveLength(1);
    sent[sent.length - 2]!.respond(200);
    await pending;
  });
});

describe("hedge layer on its own", () => {
  it("re-sends to the same URL after the delay when there is no balancer", async () => {
    const clock = new ManualClock(0);
    const { fetch, sent } = scriptedFetch();
    const send = composeWith(clock, fetch, [hedge({ delay: 10, budget: false })]);
    const pending = send("https://api.example/items");
    await clock.advanceAsync(10);
    expect(sent.map((s) => s.url)).toEqual([
      "https://api.example/items",
      "https://api.example/items",
    ]);
    sent[1]!.respond(200);
    expect((await pending).status).toBe(200);
    expect(sent[0]!.aborted).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it("is a pass-through with hedge(false)", async () => {
    const clock = new ManualClock(0);
    const { fetch, sent } = scriptedFetch();
    const send = composeWith(clock, fetch, [hedge(false)]);
    const pending = send("https://api.example/items");
    await clock.advanceAsync(10_000);
    expect(sent).toHaveLength(1);
    sent[0]!.respond(200);
    await pending;
  });
});
