import { describe, expect, it } from "vitest";
import { parseArgs, USAGE, UsageError } from "../../../examples/demo/args";

describe("demo command line", () => {
  it("runs 60 s at 20 calls a second per caller by default", () => {
    expect(parseArgs([])).toEqual({ kind: "run", options: { durationMs: 60_000, rate: 20 } });
  });

  it("takes --duration in seconds or with a unit, and --rate, as two words or with =", () => {
    expect(parseArgs(["--duration", "20"])).toEqual({
      kind: "run",
      options: { durationMs: 20_000, rate: 20 },
    });
    expect(parseArgs(["--duration=2m", "--rate=7.5"])).toEqual({
      kind: "run",
      options: { durationMs: 120_000, rate: 7.5 },
    });
    expect(parseArgs(["--duration", "20000ms"])).toEqual({
      kind: "run",
      options: { durationMs: 20_000, rate: 20 },
    });
    expect(parseArgs(["--duration", "90s", "--rate", "200"])).toEqual({
      kind: "run",
      options: { durationMs: 90_000, rate: 200 },
    });
  });

  it("asks for help with --help or -h, wherever it is", () => {
    expect(parseArgs(["--help"])).toEqual({ kind: "help" });
    expect(parseArgs(["--rate", "5", "-h"])).toEqual({ kind: "help" });
    expect(USAGE).toMatch(/--duration <time>/);
    expect(USAGE).toMatch(/--rate <n>/);
  });

  it.each([
    [["--duration", "0"], /--duration must be 5 s to 60 min .*got "0"/],
    [["--duration", "4s"], /got "4s"/],
    [["--duration", "2h"], /got "2h"/],
    [["--duration", "-5"], /--duration needs a value|got "-5"/],
    [["--duration", "1e3"], /got "1e3"/],
    [["--rate", "0"], /--rate must be a number from 1 to 200, got "0"/],
    [["--rate", "fast"], /got "fast"/],
    [["--rate", "201"], /got "201"/],
    [["--rate", ""], /got ""/],
    [["--rate"], /--rate needs a value/],
    [["--rate", "--duration", "5"], /--rate needs a value/],
    [["--speed", "3"], /unknown option --speed/],
    [["now"], /unexpected argument "now"/],
  ])("refuses %j with a message that names the problem", (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });
});
