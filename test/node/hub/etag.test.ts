import { describe, expect, it } from "vitest";
import { etagMatches } from "../../../worker/model/etag";

describe("If-None-Match", () => {
  it("matches the tag itself, one in a list, a weak form and *", () => {
    expect(etagMatches('"7"', '"7"')).toBe(true);
    expect(etagMatches(' "1" , "7"', '"7"')).toBe(true);
    expect(etagMatches('W/"7"', '"7"')).toBe(true);
    expect(etagMatches("*", '"7"')).toBe(true);
  });

  it("does not match other tags or a tag without quotes", () => {
    expect(etagMatches('"70"', '"7"')).toBe(false);
    expect(etagMatches("7", '"7"')).toBe(false);
    expect(etagMatches("", '"7"')).toBe(false);
  });
});
