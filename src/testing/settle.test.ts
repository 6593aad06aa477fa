import { describe, expect, it } from "vitest";
import { isSettleChannelOpen, settle, settleStrategy } from "./settle";

/** A real macrotask that is not the kit's own channel, to watch the channel from outside. */
const realTurn = () => new Promise((resolve) => globalThis.setTimeout(resolve, 0));

describe("settle", () => {
  it("resolves only after a deep promise chain has run to its end", async () => {
    let steps = 0;
    void (async () => {
      for (let i = 0; i < 5_000; i++) {
        await Promise.resolve();
        steps++;
      }
    })();
    await settle();
    expect(steps).toBe(5_000);
  });

  it("lets code read a Response body within one settle", async () => {
    let body = "";
    void (async () => {
      const res = new Response("payload");
      body = await res.text();
    })();
    await settle();
    expect(body).toBe("payload");
  });

  it("measures its strategy once; Node passes with one MessageChannel port", async () => {
    await settle();
    expect(settleStrategy()).toBe("one-port");
  });

  it("wakes every waiter that arrives while a message is in flight", async () => {
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((n) => settle().then(() => order.push(n))));
    expect(order).toEqual([1, 2, 3]);
  });

  it("closes its channel once idle, so nothing keeps the process alive", async () => {
    await settle();
    for (let i = 0; i < 10 && isSettleChannelOpen(); i++) await realTurn();
    expect(isSettleChannelOpen()).toBe(false);
    await settle();
    expect(isSettleChannelOpen()).toBe(true);
    for (let i = 0; i < 10 && isSettleChannelOpen(); i++) await realTurn();
    expect(isSettleChannelOpen()).toBe(false);
  });
});
