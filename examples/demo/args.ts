/**
 * The demo's command line: `--duration`, `--rate`, `--help`. Pure: parsing returns the
 * options or a usage error, and the entry point decides what to print and the exit code.
 */

/** The demo's options. */
export interface DemoOptions {
  /** How long traffic runs, ms. @default 60_000 */
  durationMs: number;
  /** Calls a second made by each caller. @default 20 */
  rate: number;
}

/** What the command line asks for. */
export type DemoCommand = { kind: "run"; options: DemoOptions } | { kind: "help" };

/** A command line the demo cannot run with; the message says what is wrong. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Accepted ranges. */
export const LIMITS = {
  durationMs: { min: 5_000, max: 3_600_000 },
  rate: { min: 1, max: 200 },
} as const;

/** `--help`. */
export const USAGE = `Usage: npm start -- [options]

A live demo of resilient-fetch on 127.0.0.1: the health hub in workerd with a local Durable
Object store, four upstreams (healthy, a heavy latency tail, an outage from 10 s to 30 s,
503 bursts), two library clients in locations AAA and BBB sharing the hub, AAA's twin
without hedging, and a control client (plain fetch, round robin) on the same traffic.

Options:
  --duration <time>  how long traffic runs: seconds, or with a unit (90s, 2m, 20000ms);
                     ${LIMITS.durationMs.min / 1_000} s to ${LIMITS.durationMs.max / 60_000} min (default: 60)
  --rate <n>         calls a second made by each of the four clients, ${LIMITS.rate.min} to ${LIMITS.rate.max}
                     (default: 20)
  -h, --help         show this help

Ctrl-C stops early: everything started is stopped and the summary printed (exit code 130).`;

/**
 * Parses the arguments after `demo.ts`.
 *
 * @example
 * ```ts
 * parseArgs(["--duration", "20", "--rate=10"]); // { kind: "run", options: { durationMs: 20_000, rate: 10 } }
 * parseArgs(["--rate", "0"]); // throws UsageError("--rate must be a number from 1 to 200, got \"0\"")
 * ```
 */
export function parseArgs(argv: readonly string[]): DemoCommand {
  const options: DemoOptions = { durationMs: 60_000, rate: 20 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "-h" || arg === "--help") return { kind: "help" };
    const match = /^(--[a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (!match) throw new UsageError(`unexpected argument "${arg}"`);
    const flag = match[1]!;
    if (flag !== "--duration" && flag !== "--rate") throw new UsageError(`unknown option ${flag}`);
    let value = match[2];
    if (value === undefined) {
      value = argv[i + 1];
      if (value === undefined || value.startsWith("--"))
        throw new UsageError(`${flag} needs a value`);
      i++;
    }
    if (flag === "--duration") options.durationMs = parseDuration(value);
    else options.rate = parseRate(value);
  }
  return { kind: "run", options };
}

const UNITS: Record<string, number> = { "": 1_000, ms: 1, s: 1_000, m: 60_000 };

function parseDuration(text: string): number {
  const { min, max } = LIMITS.durationMs;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  const value = match ? Number(match[1]) * UNITS[match[2] ?? ""]! : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw new UsageError(
      `--duration must be ${min / 1_000} s to ${max / 60_000} min (seconds, or 90s, 2m, 20000ms), got "${text}"`,
    );
  }
  return value;
}

function parseRate(text: string): number {
  const { min, max } = LIMITS.rate;
  const value = /^\d+(?:\.\d+)?$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw new UsageError(`--rate must be a number from ${min} to ${max}, got "${text}"`);
  }
  return value;
}
