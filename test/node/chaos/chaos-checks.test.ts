import { describe, expect, it } from "vitest";
import type { FetchLike } from "../../../src/index";
import { chaosRun } from "./chaos-run";

// The chaos suite's checks can fail: each run here breaks the client on purpose (through its
// transport) and must be caught. Short runs, side by side with nothing but their own checks;
// held requests and handles get 300 ms to close.
const SEED = 20261202;
const quick = { settleMs: 300, alone: false };

describe("the chaos checks catch a client that breaks the rules", { timeout: 30_000 }, () => {
  it("a call that outlives its total timeout", async () => {
    // No limits of its own, over a transport that gives up only after 2.6 s.
    const slow: FetchLike = (url, init) =>
      fetch(url, { ...init, signal: AbortSignal.timeout(2_600) });
    const report = await chaosRun("hang-before-headers", 24, SEED, {
      ...quick,
      client: { timeout: false, retry: false, hedge: false, fetch: slow },
    });
    expect(report.problems.join("\n")).toMatch(/had not settled \d+ ms after it started/);
  });

  it("attempts (lost hedges, timed-out attempts) whose connections stay open", async () => {
    const deaf: FetchLike = (url, init) => fetch(url, { ...init, signal: undefined });
    const report = await chaosRun("hang-before-headers", 24, SEED, {
      ...quick,
      client: { fetch: deaf },
    });
    expect(report.problems.join("\n")).toMatch(/server \d still holds call \d+/);
  });

  it("an unrepeatable request sent twice, a body altered, an answer for another call, a timer left running", async () => {
    // A few, so that a timer of the test runner's ending meanwhile cannot hide them.
    let timers: NodeJS.Timeout[] | undefined;
    const broken: FetchLike = async (url, init = {}) => {
      timers ??= [1, 2, 3].map(() => setInterval(() => {}, 60_000));
      const headers = new Headers(init.headers);
      const id = Number(headers.get("x-chaos-call"));
      if (id % 5 === 4) headers.set("x-chaos-call", String(id + 1_000_000));
      const body = typeof init.body === "string" ? `${init.body}!` : init.body;
      const sent = { ...init, headers, body } as RequestInit;
      if (
        init.method === "POST" &&
        !headers.has("idempotency-key") &&
        !(body instanceof ReadableStream)
      ) {
        await fetch(url, sent).then(
          (res) => res.arrayBuffer(),
          () => {},
        );
      }
      return fetch(url, sent);
    };
    try {
      // Alone: the process-wide checks (the timers) are the run's own.
      const report = await chaosRun("refused", 40, SEED, {
        ...quick,
        alone: true,
        client: { fetch: broken },
      });
      const problems = report.problems.join("\n");
      expect(problems).toMatch(/call \d+ may not be repeated but reached servers 2 times/);
      expect(problems).toMatch(/call \d+'s body reached server \d altered/);
      expect(problems).toMatch(/got the answer meant for \d+/);
      expect(problems).toMatch(/handles after the run .*"timers":/);
    } finally {
      for (const timer of timers ?? []) clearInterval(timer);
    }
  });
});
