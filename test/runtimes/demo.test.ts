import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it, type onTestFinished } from "vitest";
import { alive, descendants, type ProcessInfo, portClosed } from "./process-tree";

// `npm start` runs exactly this (package.json "start"), with the options after `--`.
const root = fileURLToPath(new URL("../..", import.meta.url));
const FRAME = "resilient-fetch demo: ";

interface Demo {
  child: ChildProcess;
  output: () => string;
  stderr: () => string;
  /** Resolves once `count` frames of the live table were printed. */
  frames(count: number): Promise<void>;
  exited: Promise<number | null>;
}

/** Starts the demo; when the test ends, it is killed if it still runs (with its workerd). */
function startDemo(args: string[], finished: typeof onTestFinished): Demo {
  // Its own process group, as a shell gives a job: a Ctrl-C can then go to the whole group.
  const child = spawn(process.execPath, ["--import", "tsx", "examples/demo.ts", ...args], {
    cwd: root,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  finished(() => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, "SIGKILL");
  });
  let stdout = "";
  let stderr = "";
  const waiting: Array<{ count: number; resolve: () => void }> = [];
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    const seen = stdout.split(FRAME).length - 1;
    for (const w of waiting.filter((w) => seen >= w.count)) w.resolve();
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    output: () => stdout,
    stderr: () => stderr,
    frames: (count) =>
      new Promise((resolve, reject) => {
        waiting.push({ count, resolve });
        void exited.then(() =>
          reject(new Error(`exited before ${count} frames:\n${stdout}${stderr}`)),
        );
      }),
    exited,
  };
}

/** The ports the demo announced: the upstreams' and the hub's. */
function announcedPorts(stdout: string): number[] {
  const ports = [...stdout.matchAll(/^ {2}[a-z-]+ +:(\d+) /gm)].map((m) => Number(m[1]));
  const hub = /Hub: http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)?.[1];
  return hub ? [...ports, Number(hub)] : ports;
}

async function expectNothingLeft(processes: ProcessInfo[], ports: number[]): Promise<void> {
  expect(processes.map((p) => p.command)).toContain("workerd");
  for (const p of processes)
    expect(alive(p.pid), `${p.command} (pid ${p.pid}) still runs`).toBe(false);
  expect(ports).toHaveLength(5);
  for (const port of ports) expect(await portClosed(port), `port ${port} still open`).toBe(true);
}

interface Row {
  calls: number;
  ok: number;
  errors: number;
  stopped: number;
  sent: number;
  attemptsOk: number;
  failed: number;
  cancelled: number;
  p50: number;
  p99: number;
}

/** The summary's table, by caller. */
function summaryRows(summary: string): Map<string, Row> {
  const rows = new Map<string, Row>();
  const pattern = /^(AAA no-hedge|AAA|BBB|control)((?:\s+\d+){10})$/gm;
  for (const m of summary.matchAll(pattern)) {
    const [calls, ok, errors, stopped, sent, attemptsOk, failed, cancelled, p50, p99] = m[2]!
      .trim()
      .split(/\s+/)
      .map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    rows.set(m[1]!, { calls, ok, errors, stopped, sent, attemptsOk, failed, cancelled, p50, p99 });
  }
  return rows;
}

/** Checks that the summary's figures are well-formed and that its counters add up. */
function checkSummary(summary: string, rate: number): Map<string, Row> {
  const rows = summaryRows(summary);
  expect([...rows.keys()]).toEqual(["AAA", "BBB", "AAA no-hedge", "control"]);
  const seconds = Number(/after ([\d.]+) s at (\d+) calls\/s per caller/.exec(summary)?.[1]);
  expect(seconds).toBeGreaterThan(0);
  const all = [...rows.values()];
  for (const [name, row] of rows) {
    for (const value of Object.values(row)) expect(Number.isFinite(value), name).toBe(true);
    // Every call ended one way; every attempt the client counted ended one way.
    expect(row.ok + row.errors + row.stopped, name).toBe(row.calls);
    expect(row.attemptsOk + row.failed + row.cancelled, name).toBe(row.sent);
    expect(row.sent, name).toBeGreaterThanOrEqual(row.calls - row.stopped);
    expect(row.p50, name).toBeLessThanOrEqual(row.p99);
    // The same traffic for every caller: one call per tick, `rate` ticks a second.
    expect(row.calls, name).toBe(all[0]!.calls);
    expect(Math.abs(row.calls - rate * seconds), name).toBeLessThanOrEqual(2);
  }
  const control = rows.get("control")!;
  expect(control.sent).toBe(control.calls); // one attempt per call, no retries, no hedges
  expect(control.cancelled).toBe(control.stopped);

  const text = summary.replace(/\s+/g, " ");
  const sum = (key: keyof Row, names = [...rows.keys()]) =>
    names.reduce((n, name) => n + rows.get(name)![key], 0);
  const failed = /Upstream attempts that failed: (\d+) of (\d+) \(/.exec(text);
  expect(failed?.slice(1).map(Number)).toEqual([sum("failed"), sum("sent")]);
  const errors = /with the library \(AAA, BBB\) (\d+) of (\d+) .*; control (\d+) of (\d+) /.exec(
    text,
  );
  expect(errors?.slice(1).map(Number)).toEqual([
    sum("errors", ["AAA", "BBB"]),
    sum("calls", ["AAA", "BBB"]),
    control.errors,
    control.calls,
  ]);
  const p99 =
    /p99 of calls: AAA with hedging (\d+) ms; AAA no-hedge .*? (\d+) ms; control (\d+) ms/.exec(
      text,
    );
  expect(p99?.slice(1).map(Number)).toEqual([
    rows.get("AAA")!.p99,
    rows.get("AAA no-hedge")!.p99,
    control.p99,
  ]);
  expect(text).toMatch(/AAA sent \d+ hedges \([\d.]+% of its calls\)/);
  return rows;
}

// Concurrent: each test runs its own demo (its own ports, hub and temp store).
describe.concurrent("npm start (examples/demo.ts)", () => {
  it("shows the live table every second, ends with a summary whose counters add up, exits 0 and leaves nothing running", async ({
    onTestFinished,
  }) => {
    const demo = startDemo(["--duration", "20"], onTestFinished);
    await demo.frames(3);
    const processes = descendants(demo.child.pid!);
    const code = await demo.exited;
    const stdout = demo.output();
    expect(code, demo.stderr()).toBe(0);

    // Piped, every frame is printed in full: one a second for 20 s.
    expect(stdout.split(FRAME).length - 1).toBeGreaterThanOrEqual(10);
    expect(stdout).toMatch(
      /dashboard: http:\/\/127\.0\.0\.1:\d+\/dashboard\?service=demo {2}read token: read-\w+/,
    );
    const lastFrame = stdout.slice(stdout.lastIndexOf(FRAME), stdout.indexOf("Summary,"));
    for (const upstream of ["healthy", "slow-tail", "outage", "bursty"])
      expect(lastFrame).toMatch(new RegExp(`^${upstream} +(up|down|503) `, "m"));
    for (const line of stdout.split("\n")) expect(line.length, line).toBeLessThanOrEqual(100);

    const summary = stdout.slice(stdout.indexOf("Summary, after"));
    const rows = checkSummary(summary, 20);
    for (const row of rows.values()) expect(row.stopped).toBe(0);
    // The outage began at 10 s (measured) and lasts past the end; each location's side is
    // told with a measured time, or says that it never stopped calling.
    const text = summary.replace(/\s+/g, " ");
    const down = Number(
      /The outage upstream stopped listening at ([\d.]+) s and was still down/.exec(text)?.[1],
    );
    expect(down).toBeGreaterThanOrEqual(10);
    expect(down).toBeLessThan(12);
    expect(text).toMatch(/(AAA|BBB) met it first, with a failed attempt at [\d.]+ s/);
    for (const location of ["AAA", "BBB"]) {
      expect(text).toMatch(
        new RegExp(
          `${location} (stopped calling it \\+\\d+\\.\\d\\ds, after \\d+ failed attempts?, then sent \\d+ probes?|did not stop calling it \\(\\d+ failed attempts?\\)); its breaker opened (\\+\\d+\\.\\d\\ds|never); the hub's verdict reached it (\\+\\d+\\.\\d\\ds|never)\\.`,
        ),
      );
    }
    expect(stdout.trimEnd().endsWith("the 4 upstream servers.")).toBe(true);
    expect(demo.stderr()).not.toMatch(/still running after its end/);
    await expectNothingLeft(processes, announcedPorts(stdout));
  }, 90_000);

  for (const target of ["the process", "its process group (Ctrl-C in a terminal)"]) {
    it(`on SIGINT to ${target}: stops everything, prints the summary so far, exits 130`, async ({
      onTestFinished,
    }) => {
      const demo = startDemo(["--duration", "60"], onTestFinished);
      await demo.frames(3);
      const processes = descendants(demo.child.pid!);
      process.kill(target === "the process" ? demo.child.pid! : -demo.child.pid!, "SIGINT");
      const code = await demo.exited;
      const stdout = demo.output();
      expect(code, demo.stderr()).toBe(130);
      expect(demo.stderr()).toMatch(/Stopping/);
      const summary = stdout.slice(stdout.indexOf("Summary, stopped by Ctrl-C after"));
      expect(summary).not.toBe("");
      checkSummary(summary, 20);
      expect(demo.stderr()).not.toMatch(/still running after its end/);
      await expectNothingLeft(processes, announcedPorts(stdout));
    }, 60_000);
  }

  it("lists its options on --help, and refuses a bad value with exit code 2", async ({
    onTestFinished,
  }) => {
    const help = startDemo(["--help"], onTestFinished);
    expect(await help.exited).toBe(0);
    expect(help.output()).toMatch(/--duration <time>[\s\S]*--rate <n>/);
    const bad = startDemo(["--rate", "fast"], onTestFinished);
    expect(await bad.exited).toBe(2);
    expect(bad.stderr()).toMatch(/--rate must be a number from 1 to 200, got "fast"/);
    expect(bad.output()).toBe("");
  }, 30_000);
});
