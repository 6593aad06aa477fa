import { describe, expect, it } from "vitest";
import { duration, ms, percent, percentile, seconds, wrap } from "../../../examples/demo/format";
import { ansi, renderTable } from "../../../examples/demo/table";

describe("demo formats", () => {
  it("takes nearest-rank percentiles of unsorted values, null without values", () => {
    const values = [7, 1, 9, 3, 5, 2, 8, 4, 6, 10];
    expect(percentile(values, 0.5)).toBe(5);
    expect(percentile(values, 0.99)).toBe(10);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([42], 0.99)).toBe(42);
    expect(percentile([], 0.5)).toBeNull();
    expect(values).toEqual([7, 1, 9, 3, 5, 2, 8, 4, 6, 10]); // not sorted in place
  });

  it("writes ms, durations, seconds and shares for people, with a dash for none", () => {
    expect([ms(12.4), ms(12.6), ms(null), ms(Number.NaN)]).toEqual(["12", "13", "–", "–"]);
    expect([duration(850), duration(12_345), duration(245_000), duration(null)]).toEqual([
      "850ms",
      "12.3s",
      "4m05s",
      "–",
    ]);
    expect(seconds(10_042)).toBe("10.0 s");
    expect([percent(1), percent(0), percent(0.9921), percent(0.0042), percent(null)]).toEqual([
      "100%",
      "0%",
      "99.2%",
      "0.42%",
      "–",
    ]);
  });

  it("never rounds a share up to 100% or down to 0%", () => {
    expect(percent(0.99999)).toBe("99.9%");
    expect(percent(0.000001)).toBe("0.01%");
  });

  it("lays out columns with group titles spanning their columns", () => {
    const lines = renderTable(
      [
        { title: "name", width: 6 },
        { title: "AAA", width: 4, group: "hub" },
        { title: "BBB", width: 4, group: "hub" },
        { title: "p99", width: 5, align: "right" },
      ],
      [
        ["outage", { text: "down", tone: "bad" }, "up", "1234"],
        ["a-very-long-name", "up", "up", "7"],
      ],
    );
    expect(lines).toEqual([
      "        hub",
      "name    AAA  BBB     p99",
      "outage  down up     1234",
      "a-ver…  up   up        7",
    ]);
  });

  it("colours cells after padding, so columns stay aligned", () => {
    const [, row] = renderTable(
      [
        { title: "a", width: 4 },
        { title: "b", width: 3 },
      ],
      [[{ text: "up", tone: "good" }, "x"]],
      ansi,
    );
    expect(row).toBe("\x1b[32mup  \x1b[0m  x");
    expect(row!.replaceAll("\x1b[32m", "").replaceAll("\x1b[0m", "")).toBe("up    x");
  });

  it("wraps words to a width, indenting the lines after the first", () => {
    expect(wrap("  one two three four", 12)).toEqual(["  one two", "    three", "    four"]);
    expect(wrap("short")).toEqual(["short"]);
    expect(wrap("averyveryverylongword next", 8)).toEqual(["averyveryverylongword", "  next"]);
  });
});
