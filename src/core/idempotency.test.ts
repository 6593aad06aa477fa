import { describe, expect, it } from "vitest";
import { isIdempotent } from "./idempotency";

describe("isIdempotent", () => {
  it("takes GET, HEAD, OPTIONS, PUT, DELETE and TRACE as idempotent, POST and PATCH not", () => {
    for (const method of ["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]) {
      expect(isIdempotent(method, undefined, undefined)).toBe(true);
    }
    expect(isIdempotent("POST", undefined, undefined)).toBe(false);
    expect(isIdempotent("PATCH", { "content-type": "x" }, undefined)).toBe(false);
  });

  it("finds an Idempotency-Key in every form of headers, whatever its case", () => {
    expect(isIdempotent("POST", { "Idempotency-Key": "k" }, undefined)).toBe(true);
    expect(isIdempotent("POST", [["IDEMPOTENCY-KEY", "k"]], undefined)).toBe(true);
    expect(isIdempotent("POST", new Headers({ "idempotency-key": "k" }), undefined)).toBe(true);
    expect(isIdempotent("POST", [["accept", "x"]], undefined)).toBe(false);
    expect(isIdempotent("POST", new Headers({ accept: "x" }), undefined)).toBe(false);
  });

  it("lets the caller's opt-in or opt-out decide over method and headers", () => {
    expect(isIdempotent("POST", undefined, true)).toBe(true);
    expect(isIdempotent("GET", { "Idempotency-Key": "k" }, false)).toBe(false);
  });
});
