import { describe, expect, it } from "vitest";
import { scopeOf } from "../../../worker/http/token";

const env = { HUB_ADMIN_TOKEN: "admin-s3cret", HUB_REPORT_TOKEN: "rep", HUB_READ_TOKEN: "r" };

describe("bearer token scopes", () => {
  it("grants the scope of the secret the token equals", () => {
    expect(scopeOf("admin-s3cret", env)).toBe("admin");
    expect(scopeOf("rep", env)).toBe("report");
    expect(scopeOf("r", env)).toBe("read");
  });

  it("grants nothing to a prefix, an extension or a near miss of a secret", () => {
    expect(scopeOf("admin-s3cre", env)).toBeNull();
    expect(scopeOf("admin-s3cret!", env)).toBeNull();
    expect(scopeOf("admin-s3creT", env)).toBeNull();
    expect(scopeOf("re", env)).toBeNull();
    expect(scopeOf("reps", env)).toBeNull();
  });

  it("is not fooled by a longer token compared right after a shorter one", () => {
    // The presented bytes share one buffer; a short token must not see a long one's tail.
    expect(scopeOf("admin-s3cretXXXXXXXX", env)).toBeNull();
    expect(scopeOf("admin-s3cret", env)).toBe("admin");
    expect(scopeOf("r", env)).toBe("read");
  });

  it("grants the highest scope when two secrets are equal", () => {
    expect(scopeOf("same", { HUB_READ_TOKEN: "same", HUB_REPORT_TOKEN: "same" })).toBe("report");
  });

  it("grants nothing for unset or empty secrets", () => {
    expect(scopeOf("x", {})).toBeNull();
    expect(scopeOf("x", { HUB_READ_TOKEN: "" })).toBeNull();
  });

  it("compares tokens of the maximum length, and no secret a bearer token cannot spell", () => {
    const longest = "k".repeat(512);
    expect(scopeOf(longest, { HUB_READ_TOKEN: longest })).toBe("read");
    const tooLong = "k".repeat(513);
    expect(scopeOf(tooLong.slice(0, 512), { HUB_READ_TOKEN: tooLong })).toBeNull();
    expect(scopeOf("caf", { HUB_READ_TOKEN: "café" })).toBeNull();
    expect(scopeOf("a b", { HUB_READ_TOKEN: "a b" })).toBeNull();
  });
});
