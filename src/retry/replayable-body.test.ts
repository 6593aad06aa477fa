import { describe, expect, it } from "vitest";
import { systemClock } from "../clock";
import { createCall } from "../core/create-call";
import { replayableBody } from "./replayable-body";

const prepare = (init: RequestInit & { duplex?: string }, limit = 1_024) => {
  const call = createCall("http://a.test/x", { method: "PUT", ...init }, systemClock);
  return { call, replayable: replayableBody(call, limit) };
};

function streamOf(...chunks: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });
}

describe("replayableBody", () => {
  it("leaves every body fetch reads afresh on each send as it is", async () => {
    const bodies: BodyInit[] = [
      "text",
      new Uint8Array([1, 2]),
      new Uint8Array([3]).buffer,
      new Blob(["blob"]),
      new URLSearchParams("a=1"),
      new FormData(),
    ];
    for (const body of bodies) {
      const { call, replayable } = prepare({ body });
      expect(await replayable).toBe(true);
      expect(call.init.body).toBe(body);
    }
  });

  it("sends an async iterable (used up like a stream) once, as it is", async () => {
    async function* chunks() {
      yield new TextEncoder().encode("once");
    }
    const body = chunks() as unknown as BodyInit;
    const { call, replayable } = prepare({ body });
    expect(await replayable).toBe(false);
    expect(call.init.body).toBe(body);
  });

  it("buffers a stream within the limit into bytes, without duplex", async () => {
    const { call, replayable } = prepare({ body: streamOf("ab", "cd"), duplex: "half" });
    expect(await replayable).toBe(true);
    expect(new TextDecoder().decode(call.init.body as Uint8Array)).toBe("abcd");
    expect("duplex" in call.init).toBe(false);
  });

  it("stitches a stream over the limit back together and sends it once", async () => {
    const { call, replayable } = prepare({ body: streamOf("ab", "cd", "ef"), duplex: "half" }, 3);
    expect(await replayable).toBe(false);
    expect((call.init as { duplex?: string }).duplex).toBe("half");
    expect(await new Response(call.init.body).text()).toBe("abcdef");
  });
});
