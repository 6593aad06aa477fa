import { describe, expect, it } from "vitest";
import { isHealthPath, normalizeUpstreamUrl, probeUrlOf } from "../../../worker/model/url";

describe("upstream URLs", () => {
  it.each([
    ["https://A.Internal", "https://a.internal"],
    ["https://a.internal/", "https://a.internal"],
    ["https://a.internal/api//", "https://a.internal/api"],
    ["http://127.0.0.1:8080/x", "http://127.0.0.1:8080/x"],
    ["https://a.internal:443/", "https://a.internal"],
  ])("normalises %s to %s", (input, url) => {
    expect(normalizeUpstreamUrl(input)).toEqual({ url });
  });

  it.each([
    ["ftp://a.internal", /http\(s\)/],
    ["javascript:alert(1)", /http\(s\)/],
    ["https://u:p@a.internal", /credentials/],
    ["https://u@a.internal", /credentials/],
    ["https://a.internal/#x", /fragment/],
    ["https://a.internal/?q=1", /query/],
    ["a.internal", /absolute/],
  ])("rejects %s", (input, message) => {
    const result = normalizeUpstreamUrl(input);
    expect("error" in result && result.error).toMatch(message);
  });
});

describe("health paths", () => {
  it("accepts absolute paths and rejects ones that could leave the origin", () => {
    expect(["/", "/healthz", "/a/b?full=1", "/%2F"].every(isHealthPath)).toBe(true);
    expect(["", "healthz", "//evil.example", "/\\evil", "/a b", "/é"].some(isHealthPath)).toBe(
      false,
    );
  });

  it("appends the health path to the upstream URL", () => {
    expect(probeUrlOf("https://a.internal", "/")).toBe("https://a.internal/");
    expect(probeUrlOf("https://a.internal/api", "/")).toBe("https://a.internal/api");
    expect(probeUrlOf("https://a.internal/api", "/healthz")).toBe("https://a.internal/api/healthz");
    expect(probeUrlOf("https://a.internal", "/../x")).toBe("https://a.internal/x");
  });
});
