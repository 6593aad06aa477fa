import { describe, expect, it } from "vitest";
import { BudgetExhaustedError, createClient, type RetryEvent } from "../../src/index";
import { ManualClock, seededRandom } from "../../src/testing/index";
import { scriptedFetch } from "./helpers/scripted-fetch";

function setup(options: Record<string, unknown> = {}, start = Date.parse("2026-11-26T12:00:00Z")) {
  const clock = new ManualClock(start);
  const { fetch, sent } = scriptedFetch();
  const client = createClient({
    upstreams: ["http://a.test", "http://b.test", "http://c.test"],
    fetch,
    clock,
    random: seededRandom(7),
    balancer: "round-robin",
    ...options,
  });
  return { clock, sent, client };
}

describe("retry", () => {
  it("waits the Retry-After seconds before the next attempt", async () => {
    const { clock, sent, client } = setup();
    const events: RetryEvent[] = [];
    client.on("retry", (e) => events.push(e));
    const pending = client.fetch("/");
    await clock.advanceAsync(0);
    sent[0]!.respond(503, { "retry-after": "2" });
    await clock.advanceAsync(1_999);
    expect(sent).toHaveLength(1);
    await clock.advanceAsync(1);
    expect(sent).toHaveLength(2);
    expect(events[0]).toMatchObject({
      attempt: 2,
      reason: "status",
      status: 503,
      delayMs: 2_000,
      retryAfterMs: 2_000,
    });
    sent[1]!.respond(200);
    expect((await pending).status).toBe(200);
  });

  it("waits until a Retry-After HTTP-date", async () => {
    const { clock, sent, client } = setup();
    const pending = client.fetch("/");
    await clock.advanceAsync(0);
    sent[0]!.respond(429, { "retry-after": "Thu, 26 Nov 2026 12:00:03 GMT" });
    await clock.advanceAsync(2_999);
    expect(sent).toHaveLength(1);
    await clock.advanceAsync(1);
    expect(sent).toHaveLength(2);
    sent[1]!.respond(200);
    await pending;
  });

  it("returns the response at once when Retry-After does not fit the remaining deadline", async () => {
    const { clock, sent, client } = setup({ timeout: { total: 1_000 } });
    const reasons: string[] = [];
    client.on("giveup", (e) => reasons.push(e.reason));
    const pending = client.fetch("/");
    await clock.advanceAsync(0);
    sent[0]!.respond(503, { "retry-after": "5" });
    const res = await pending;
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(reasons).toEqual(["deadline"]);
    expect(clock.pendingTimers).toBe(0);
  });

  it("returns the response when Retry-After exceeds maxRetryAfter", async () => {
    const { clock, sent, client } = setup({ timeout: false, retry: { maxRetryAfter: 10_000 } });
    const reasons: string[] = [];
    client.on("giveup", (e) => reasons.push(e.reason));
    const pending = client.fetch("/");
    await clock.advanceAsync(0);
    sent[0]!.respond(503, { "retry-after": "60" });
    expect((await pending).status).toBe(503);
    expect(reasons).toEqual(["retry-after-too-long"]);
  });

  it("cancels the body of every response it retries", async () => {
    const cancelled: number[] = [];
    const clock = new ManualClock(0);
    let n = 0;
    const client = createClient({
      upstreams: ["http://a.test", "http://b.test"],
      clock,
      retry: { backoff: { initial: 0 } },
      fetch: async () => {
        const index = n++;
        const body = new ReadableStream({ cancel: () => void cancelled.push(index) });
        return new Response(body, { status: index < 2 ? 503 : 200 });
      },
    });
    const res = await client.fetch("/");
    expect(res.status).toBe(200);
    await clock.advanceAsync(0);
    expect(cancelled).toEqual([0, 1]);
  });

  it("goes to a different upstream on every retry while one is left", async () => {
    const { clock, sent, client } = setup({ retry: { attempts: 3, backoff: { initial: 0 } } });
    const pending = client.fetch("/x");
    await clock.advanceAsync(0);
    sent[0]!.refuse();
    await clock.advanceAsync(0);
    sent[1]!.respond(502);
    await clock.advanceAsync(0);
    sent[2]!.respond(200);
    await pending;
    expect(new Set(sent.map((s) => new URL(s.url).host)).size).toBe(3);
  });

  it("stops retrying when the budget is spent: responses are returned, errors rejected", async () => {
    const { clock, sent, client } = setup({
      timeout: false,
      retry: { attempts: 2, backoff: { initial: 0 }, budget: { ratio: 0, minPerSecond: 0.1 } },
    });
    // The floor allows 0.1/s × 10 s = 1 retry in the window.
    const first = client.fetch("/");
    await clock.advanceAsync(0);
    sent[0]!.respond(503);
    await clock.advanceAsync(0);
    sent[1]!.respond(200);
    expect((await first).status).toBe(200);

    const second = client.fetch("/");
    await clock.advanceAsync(0);
    sent[2]!.respond(503);
    expect((await second).status).toBe(503);

    const third = client.fetch("/").catch((e: unknown) => e);
    await clock.advanceAsync(0);
    sent[3]!.refuse();
    const error = await third;
    expect(error).toBeInstanceOf(BudgetExhaustedError);
    expect((error as BudgetExhaustedError).cause).toBeInstanceOf(TypeError);
    expect(sent).toHaveLength(4);
  });

  it("keeps extra attempts near the budget ratio under a full outage", async () => {
    const clock = new ManualClock(0);
    let attempts = 0;
    const client = createClient({
      upstreams: ["http://a.test", "http://b.test"],
      clock,
      timeout: false,
      breaker: false,
      outlier: false,
      retry: { attempts: 5, backoff: { initial: 0 }, budget: { ratio: 0.2, minPerSecond: 1 } },
      fetch: async () => {
        attempts++;
        return new Response(null, { status: 503 });
      },
    });
    for (let i = 0; i < 1_000; i++) {
      await client.fetch("/");
      await clock.advanceAsync(10); // 100 calls/s for 10 s
    }
    // Without a budget this would be 5,000 attempts.
    expect(attempts - 1_000).toBeLessThanOrEqual(0.2 * 1_000 + 10 + 1);
    expect(attempts - 1_000).toBeGreaterThan(150);
  });

  it("retries only the statuses listed in retry.on", async () => {
    const { clock, sent, client } = setup({ retry: { on: [500] } });
    const pending = client.fetch("/");
    await clock.advanceAsync(0);
    sent[0]!.respond(503);
    expect((await pending).status).toBe(503);
    expect(sent).toHaveLength(1);
  });

  it("lets the caller forbid retries of a call with idempotent: false", async () => {
    const { clock, sent, client } = setup();
    const pending = client.fetch("/", { idempotent: false });
    await clock.advanceAsync(0);
    sent[0]!.respond(503);
    expect((await pending).status).toBe(503);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.init).not.toHaveProperty("idempotent");
  });

  it("reports each attempt with its outcome in an attempt event", async () => {
    const { clock, sent, client } = setup({ retry: { backoff: { initial: 0 } } });
    const attempts: Array<{
      attempt: number;
      status?: number;
      upstream: string;
      durationMs: number;
    }> = [];
    client.on("attempt", (e) => attempts.push(e));
    const pending = client.fetch("/");
    await clock.advanceAsync(30);
    sent[0]!.respond(503);
    await clock.advanceAsync(0);
    sent[1]!.respond(200);
    await pending;
    expect(attempts).toMatchObject([
      { attempt: 1, status: 503, upstream: "http://a.test", durationMs: 30 },
      { attempt: 2, status: 200, upstream: "http://b.test", durationMs: 0 },
    ]);
  });
});
