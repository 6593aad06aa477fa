import { describe, expect, it } from "vitest";
import { BudgetExhaustedError } from "../errors/budget-exhausted-error";
import { TimeoutError } from "../errors/timeout-error";
import { cancelBody } from "./discard-body";
import { isFinalError } from "./is-final-error";

describe("isFinalError", () => {
  it("ends the call on our refusals, an abort and the total timeout", () => {
    expect(isFinalError(new BudgetExhaustedError(2, ["http://a.test"]))).toBe(true);
    expect(isFinalError({ name: "CircuitOpenError" })).toBe(true);
    expect(isFinalError({ name: "NoUpstreamError" })).toBe(true);
    expect(isFinalError(new DOMException("stop", "AbortError"))).toBe(true);
    expect(isFinalError(new TimeoutError("total", 100, 1, []))).toBe(true);
  });

  it("lets attempt timeouts, network errors and non-errors be retried", () => {
    expect(isFinalError(new TimeoutError("attempt", 100, 1, []))).toBe(false);
    expect(isFinalError(new TypeError("fetch failed"))).toBe(false);
    expect(isFinalError(undefined)).toBe(false);
    expect(isFinalError(null)).toBe(false);
    expect(isFinalError("AbortError")).toBe(false);
  });
});

describe("cancelBody", () => {
  it("cancels a response body and leaves a locked one or none alone", async () => {
    let cancelled = false;
    const body = new ReadableStream({
      cancel() {
        cancelled = true;
      },
    });
    cancelBody(new Response(body).body);
    await Promise.resolve();
    expect(cancelled).toBe(true);
    const locked = new Response("x");
    locked.body!.getReader();
    expect(() => cancelBody(locked.body)).not.toThrow();
    cancelBody(undefined);
  });
});
