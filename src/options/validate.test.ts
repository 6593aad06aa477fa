import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  COUNT,
  describe as describeValue,
  enumOption,
  type Fields,
  functionOption,
  LIMIT,
  numberOption,
  SHARE,
  sectionOption,
  switchable,
} from "./validate";

describe("describeValue", () => {
  it("quotes strings and summarises objects, arrays and functions", () => {
    expect(describeValue("5")).toBe('"5"');
    expect(describeValue([1, 2])).toBe("an array of 2");
    expect(describeValue({ a: 1 })).toBe("an object");
    expect(describeValue(() => 1)).toBe("a function");
    expect(describeValue(null)).toBe("null");
    expect(describeValue(Number.NaN)).toBe("NaN");
  });
});

describe("numberOption", () => {
  it("returns a value in range and the default for undefined", () => {
    expect(numberOption("x", 0.5, SHARE)).toBe(0.5);
    expect(numberOption("x", undefined, { default: 3, ...COUNT })).toBe(3);
  });

  it.each([
    [0, SHARE, RangeError, "x must be a number in (0, 1], got 0"],
    [2, { min: 0, max: 1, maxOpen: true }, RangeError, "x must be a number in [0, 1), got 2"],
    [1.5, COUNT, RangeError, "x must be an integer >= 1, got 1.5"],
    [0, { min: 0, minOpen: true }, RangeError, "x must be a number > 0, got 0"],
    [5, { max: 4 }, RangeError, "x must be a number <= 4, got 5"],
    [5, { max: 5, maxOpen: true }, RangeError, "x must be a number < 5, got 5"],
    [Number.NaN, { min: 0 }, RangeError, "x must be a number >= 0, got NaN"],
    [Number.POSITIVE_INFINITY, { min: 0 }, RangeError, "x must be a number >= 0, got Infinity"],
    ["1", COUNT, TypeError, 'x must be an integer >= 1, got "1"'],
    [undefined, COUNT, TypeError, "x must be an integer >= 1, got undefined"],
  ])("rejects %s against %j", (value, rule, type, message) => {
    const run = () => numberOption("x", value, rule);
    expect(run).toThrow(type);
    expect(run).toThrow(message);
  });

  it("accepts Infinity only where the rule says so", () => {
    expect(numberOption("t", Number.POSITIVE_INFINITY, LIMIT)).toBe(Number.POSITIVE_INFINITY);
    expect(() => numberOption("t", Number.NEGATIVE_INFINITY, LIMIT)).toThrow(RangeError);
  });

  it("takes bounds and defaults named by a string from the siblings", () => {
    const siblings = { initial: 500, window: 5 };
    expect(() => numberOption("max", 100, { min: "initial" }, siblings)).toThrow(
      "max must be a number >= 500, got 100",
    );
    expect(numberOption("max", undefined, { default: "initial", min: 0 }, siblings)).toBe(500);
  });

  it("clamps a default into a range set by a sibling", () => {
    const rule = { default: 10, ...COUNT, max: "window" };
    expect(numberOption("minCalls", undefined, rule, { window: 5 })).toBe(5);
    expect(numberOption("minCalls", undefined, rule, { window: 50 })).toBe(10);
    expect(numberOption("max", undefined, { default: 1_000, min: "a" }, { a: 2_000 })).toBe(2_000);
  });

  it("never returns a value outside its rule (property)", () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        let result: number;
        try {
          result = numberOption("x", value, { default: 1, min: 0, max: 10, integer: true });
        } catch (error) {
          expect(error).toBeInstanceOf(typeof value === "number" ? RangeError : TypeError);
          return;
        }
        expect(Number.isInteger(result) && result >= 0 && result <= 10).toBe(true);
      }),
    );
  });
});

interface Example {
  count: number | false;
  initial: number;
  max: number;
  mode: "a" | "b";
  nested: { share: number } | false;
}

const FIELDS: Fields<Example> = {
  count: { default: 5, ...COUNT, orFalse: true },
  initial: { default: 100, min: 0 },
  max: { default: 1_000, min: "initial" },
  mode: (value, path) => enumOption(path, value, "a", ["a", "b"]),
  nested: switchable({ share: { default: 0.5, ...SHARE } }),
};

describe("sectionOption", () => {
  it("fills in every default for undefined and for {}", () => {
    const defaults = { count: 5, initial: 100, max: 1_000, mode: "a", nested: { share: 0.5 } };
    expect(sectionOption("ex", undefined, FIELDS)).toEqual(defaults);
    expect(sectionOption("ex", {}, FIELDS)).toEqual(defaults);
  });

  it("resolves fields in table order, so later ones see earlier ones", () => {
    expect(sectionOption("ex", { initial: 5_000 }, FIELDS)).toMatchObject({ max: 5_000 });
    expect(() => sectionOption("ex", { initial: 5_000, max: 10 }, FIELDS)).toThrow(
      "ex.max must be a number >= 5000, got 10",
    );
  });

  it("resolves false as off where a rule or section allows it", () => {
    expect(sectionOption("ex", { count: false, nested: false }, FIELDS)).toMatchObject({
      count: false,
      nested: false,
    });
    expect(() => sectionOption("ex", { initial: false }, FIELDS)).toThrow(
      "ex.initial must be a number >= 0, got false",
    );
  });

  it("rejects unknown keys, naming them and the known ones", () => {
    expect(() => sectionOption("ex", { inital: 5 }, FIELDS)).toThrow(
      new TypeError(
        "ex.inital is not an option; expected one of count, initial, max, mode, nested",
      ),
    );
    expect(() => sectionOption("ex", { nested: { shar: 1 } }, FIELDS)).toThrow(
      "ex.nested.shar is not an option; expected one of share",
    );
  });

  it("rejects what is not a plain object, with the accepted alternatives", () => {
    expect(() => sectionOption("ex", null, FIELDS)).toThrow(
      new TypeError("ex must be an object, got null"),
    );
    expect(() => sectionOption("ex", [], FIELDS, ", a number or false")).toThrow(
      new TypeError("ex must be an object, a number or false, got an array of 0"),
    );
    expect(() => sectionOption("ex", { nested: 3 }, FIELDS)).toThrow(
      new TypeError("ex.nested must be an object or false, got 3"),
    );
  });

  it("names top-level fields without a prefix when asked to", () => {
    expect(() => sectionOption("options", { initial: -1 }, FIELDS, "", "")).toThrow(
      "initial must be a number >= 0, got -1",
    );
    expect(() => sectionOption("options", { retries: 1 }, FIELDS, "", "")).toThrow(
      "options.retries is not an option",
    );
  });
});

describe("switchable", () => {
  const section = switchable({ share: { default: 0.5, ...SHARE } }, false);

  it("is off when absent if so configured, and on with defaults for true", () => {
    expect(section(undefined, "s")).toBe(false);
    expect(section(false, "s")).toBe(false);
    expect(section(true, "s")).toEqual({ share: 0.5 });
    expect(section({ share: 1 }, "s")).toEqual({ share: 1 });
  });
});

describe("enumOption and functionOption", () => {
  it("accept allowed values and defaults, and reject others naming the choices", () => {
    expect(enumOption("j", undefined, "full", ["full", "none"])).toBe("full");
    expect(enumOption("j", "none", "full", ["full", "none"])).toBe("none");
    expect(() => enumOption("j", 1, "full", ["full", "none"])).toThrow(
      new TypeError('j must be one of "full", "none", got 1'),
    );
    const f = () => 1;
    expect(functionOption("f", f)).toBe(f);
    expect(functionOption("f", undefined)).toBeUndefined();
    expect(() => functionOption("f", "fetch")).toThrow(
      new TypeError('f must be a function, got "fetch"'),
    );
  });
});
