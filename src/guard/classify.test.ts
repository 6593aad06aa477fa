import { describe, expect, it } from "vitest";
import { type AttemptOutcome, type Classification, classify, isTimeoutError } from "./classify";

const timeout = new DOMException("attempt timed out", "TimeoutError");

describe("classify", () => {
  const table: [string, AttemptOutcome, Classification][] = [
    ["200", { status: 200 }, "success"],
    ["204", { status: 204 }, "success"],
    ["304", { status: 304 }, "success"],
    ["an opaque 0", { status: 0 }, "success"],
    ["400", { status: 400 }, "success"],
    ["401", { status: 401 }, "success"],
    ["404", { status: 404 }, "success"],
    ["409", { status: 409 }, "success"],
    ["499", { status: 499 }, "success"],
    ["408", { status: 408 }, "failure"],
    ["429", { status: 429 }, "failure"],
    ["500", { status: 500 }, "failure"],
    ["502", { status: 502 }, "failure"],
    ["503", { status: 503 }, "failure"],
    ["599", { status: 599 }, "failure"],
    ["a network error", { error: new TypeError("fetch failed"), callerAborted: false }, "failure"],
    ["an attempt timeout", { error: timeout, callerAborted: false }, "failure"],
    ["a non-Error rejection", { error: "boom", callerAborted: false }, "failure"],
    [
      "the caller's abort",
      { error: new DOMException("aborted", "AbortError"), callerAborted: true },
      "ignore",
    ],
    ["the caller's own timeout signal", { error: timeout, callerAborted: true }, "ignore"],
  ];

  it.each(table)("classifies %s", (_, outcome, expected) => {
    expect(classify(outcome)).toBe(expected);
  });
});

describe("isTimeoutError", () => {
  it("recognises timeouts by name, including plain objects from other realms", () => {
    expect(isTimeoutError(timeout)).toBe(true);
    expect(isTimeoutError({ name: "TimeoutError" })).toBe(true);
    expect(isTimeoutError(new DOMException("x", "AbortError"))).toBe(false);
    expect(isTimeoutError(new Error("TimeoutError"))).toBe(false);
    expect(isTimeoutError(null)).toBe(false);
    expect(isTimeoutError("TimeoutError")).toBe(false);
  });
});
