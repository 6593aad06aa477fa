import { describe, expect, it } from "vitest";
import { isResilientError, TimeoutError } from "../../src/index";
import { scriptedClient as setup } from "./helpers/scripted-fetch";

describe("deadlines", () => {
  it("rejects with a TimeoutError naming the attempt limit, then retries on the other upstream", async () => {
    const { clock, sent, client } = setup({
      timeout: { attempt: 100, total: 10_000 },
      retry: { attempts: 2, backoff: { jitter: "none", initial: 10 } },
    });
    const retries: unknown[] = [];
    client.on("retry", (e) => retries.push(e.error));
    const pending = client.fetch("/slow");
    await clock.advanceAsync(99);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.aborted).toBe(false);
    await clock.advanceAsync(1);
    expect(sent[0]!.aborted).toBe(true);
    expect(isResilientError(retries[0], "TimeoutError")).toBe(true);
    expect((retries[0] as TimeoutError).limit).toBe("attempt");
    await clock.advanceAsync(10);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.url).toBe("http://b.test/slow");
    sent[1]!.respond(200);
    expect((await pending).status).toBe(200);
  });

  it("rejects with a TimeoutError naming the total limit when the deadline passes mid-attempt", async () => {
    const { clock, sent, client } = setup({ timeout: { attempt: 1_000, total: 250 } });
    const pending = client.fetch("/");
    const outcome = pending.catch((e: unknown) => e);
    await clock.advanceAsync(250);
    const error = await outcome;
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).limit).toBe("total");
    expect((error as TimeoutError).timeoutMs).toBe(250);
    expect((error as TimeoutError).attempts).toBe(1);
    expect(sent[0]!.aborted).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it("does not start a retry whose backoff would pass the deadline", async () => {
    const { clock, sent, client } = setup({
      timeout: { attempt: false, total: 100 },
      retry: { attempts: 3, backoff: { jitter: "none", initial: 200, max: 200 } },
    });
    const reasons: string[] = [];
    client.on("giveup", (e) => reasons.push(e.reason));
    const pending = client.fetch("/");
    await clock.advanceAsync(0);
    sent[0]!.respond(503);
    expect((await pending).status).toBe(503);
    expect(sent).toHaveLength(1);
    expect(reasons).toEqual(["deadline"]);
    expect(clock.pendingTimers).toBe(0);
  });

  it("leaves no timer behind after a call that succeeded", async () => {
    const { clock, sent, client } = setup({ timeout: { attempt: 500, total: 1_000 } });
    const pending = client.fetch("/");
    await clock.advanceAsync(0);
    sent[0]!.respond(200);
    await pending;
    expect(clock.pendingTimers).toBe(0);
  });
});

describe("the caller's signal", () => {
  it("rejects with the caller's reason when aborted before the call, sending nothing", async () => {
    const { sent, client } = setup();
    const controller = new AbortController();
    controller.abort(new Error("not needed"));
    await expect(client.fetch("/", { signal: controller.signal })).rejects.toThrow("not needed");
    expect(sent).toHaveLength(0);
  });

  it("aborts the attempt in flight with the caller's reason", async () => {
    const { clock, sent, client } = setup();
    const controller = new AbortController();
    const outcome = client.fetch("/", { signal: controller.signal }).catch((e: unknown) => e);
    await clock.advanceAsync(5);
    const reason = new Error("user left");
    controller.abort(reason);
    expect(await outcome).toBe(reason);
    expect(sent[0]!.aborted).toBe(true);
    expect(sent[0]!.abortReason).toBe(reason);
    expect(clock.pendingTimers).toBe(0);
  });

  it("cuts a backoff sleep short and makes no further attempt", async () => {
    const { clock, sent, client } = setup({
      retry: { attempts: 3, backoff: { jitter: "none", initial: 1_000, max: 1_000 } },
    });
    const controller = new AbortController();
    const outcome = client.fetch("/", { signal: controller.signal }).catch((e: unknown) => e);
    await clock.advanceAsync(0);
    sent[0]!.respond(503);
    await clock.advanceAsync(500);
    expect(sent).toHaveLength(1);
    controller.abort(new Error("stop"));
    expect(await outcome).toMatchObject({ message: "stop" });
    await clock.advanceAsync(2_000);
    expect(sent).toHaveLength(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it("still cancels the body after the headers arrived, as with fetch", async () => {
    const { clock, sent, client } = setup();
    const controller = new AbortController();
    const pending = client.fetch("/", { signal: controller.signal });
    await clock.advanceAsync(0);
    sent[0]!.respond(200);
    await pending;
    controller.abort(new Error("late"));
    expect(sent[0]!.aborted).toBe(true);
  });

  it("adds no listener to the caller's signal when it would serve nothing", async () => {
    const { clock, sent, client } = setup({ timeout: false, retry: false });
    const controller = new AbortController();
    let added = 0;
    const original = controller.signal.addEventListener.bind(controller.signal);
    controller.signal.addEventListener = ((
      ...args: Parameters<AbortSignal["addEventListener"]>
    ) => {
      added++;
      return original(...args);
    }) as AbortSignal["addEventListener"];
    const pending = client.fetch("/", { signal: controller.signal });
    await clock.advanceAsync(0);
    // The scripted transport listens itself, as fetch does; the client adds nothing.
    expect(added).toBe(1);
    expect(sent[0]!.init?.signal).toBe(controller.signal);
    sent[0]!.respond(200);
    await pending;
  });
});
