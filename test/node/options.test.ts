import { describe, expect, it } from "vitest";
import { createClient } from "../../src/index";

const upstreams = ["http://a.test"];

describe("createClient validates every option at construction", () => {
  const cases: Array<[string, Record<string, unknown>, ErrorConstructor, RegExp]> = [
    ["no upstreams", { upstreams: [] }, TypeError, /upstreams must be a non-empty array/],
    [
      "a relative upstream",
      { upstreams: ["/api"] },
      TypeError,
      /upstreams\[0\] is not an absolute URL/,
    ],
    ["a non-http upstream", { upstreams: ["ftp://a.test"] }, TypeError, /http: or https:/],
    [
      "a zero weight",
      { upstreams: [{ url: "http://a.test", weight: 0 }] },
      RangeError,
      /upstreams\[0\]\.weight must be a number > 0, got 0/,
    ],
    [
      "a repeated upstream",
      { upstreams: ["http://a.test", "http://a.test/"] },
      TypeError,
      /repeats/,
    ],
    [
      "a negative attempt timeout",
      { upstreams, timeout: { attempt: -1 } },
      RangeError,
      /timeout\.attempt must be a number > 0, got -1/,
    ],
    [
      "a string total timeout",
      { upstreams, timeout: { total: "5s" } },
      TypeError,
      /timeout\.total must be a number/,
    ],
    [
      "zero attempts",
      { upstreams, retry: { attempts: 0 } },
      RangeError,
      /retry\.attempts must be an integer in \[1, 100\], got 0/,
    ],
    [
      "fractional attempts",
      { upstreams, retry: 2.5 },
      RangeError,
      /retry\.attempts must be an integer/,
    ],
    [
      "an unknown jitter",
      { upstreams, retry: { backoff: { jitter: "some" } } },
      TypeError,
      /retry\.backoff\.jitter must be one of "full", "equal", "decorrelated", "none"/,
    ],
    [
      "max below initial",
      { upstreams, retry: { backoff: { initial: 500, max: 100 } } },
      RangeError,
      /retry\.backoff\.max must be a number >= 500, got 100/,
    ],
    [
      "a status out of range",
      { upstreams, retry: { on: [503, 700] } },
      RangeError,
      /retry\.on\[1\] must be an integer in \[100, 599\]/,
    ],
    [
      "a negative budget ratio",
      { upstreams, retry: { budget: { ratio: -0.1 } } },
      RangeError,
      /retry\.budget\.ratio/,
    ],
    [
      "a misspelt option",
      { upstreams, retries: 3 },
      TypeError,
      /options\.retries is not an option/,
    ],
    [
      "a misspelt nested option",
      { upstreams, retry: { attempt: 3 } },
      TypeError,
      /retry\.attempt is not an option/,
    ],
    [
      "a fetch that is not a function",
      { upstreams, fetch: "fetch" },
      TypeError,
      /fetch must be a function/,
    ],
    [
      "a clock without timers",
      { upstreams, clock: { now: () => 0 } },
      TypeError,
      /clock must have now\(\), setTimeout\(\) and clearTimeout\(\)/,
    ],
  ];
  for (const [what, options, type, message] of cases) {
    it(`throws a ${type.name} for ${what}`, () => {
      expect(() => createClient(options as never)).toThrow(type);
      expect(() => createClient(options as never)).toThrow(message);
    });
  }

  it("names the upstreams it needs when called without options or with none", () => {
    const needed =
      "upstreams must be a non-empty array of URLs or { url, weight } objects, got undefined";
    expect(() => createClient(undefined as never)).toThrow(new TypeError(needed));
    expect(() => createClient({} as never)).toThrow(new TypeError(needed));
    expect(() => createClient(null as never)).toThrow(
      new TypeError("options must be an object, got null"),
    );
  });

  it("accepts shorthands: timeout as the total, retry as attempts, false to turn off", () => {
    expect(() => createClient({ upstreams, timeout: 2_000, retry: 5 })).not.toThrow();
    expect(() => createClient({ upstreams, timeout: false, retry: false })).not.toThrow();
    expect(() => createClient({ upstreams, retry: { budget: false } })).not.toThrow();
  });

  it("setUpstreams rejects a bad list and keeps the old one", () => {
    const client = createClient({ upstreams: ["http://a.test", "http://b.test"] });
    expect(() => client.setUpstreams([{ url: "http://c.test", weight: -1 }])).toThrow(RangeError);
    expect(client.stats().upstreams.map((u) => u.url)).toEqual(["http://a.test", "http://b.test"]);
  });
});
