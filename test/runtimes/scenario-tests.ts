import { expect, it } from "vitest";
import type { RuntimeUpstreams } from "./upstream-server";

/** What scenario.js returns (after a JSON round trip). */
export interface ScenarioResult {
  runtime: string;
  exports: string[];
  testingExports?: string[];
  cases: Record<string, { ok: boolean; error?: string } & Record<string, unknown>>;
}

/**
 * Declares the scenario's assertions for one runtime, so every runtime is held to the same
 * ones. `result()` is read inside each test (after the file's `beforeAll` ran the scenario).
 *
 * @example
 * ```ts
 * let result: ScenarioResult;
 * beforeAll(async () => { result = await runInDeno(); });
 * scenarioTests(() => result, () => upstreams);
 * ```
 */
export function scenarioTests(
  result: () => ScenarioResult,
  upstreams: () => RuntimeUpstreams,
): void {
  it("loads the package's main entry with createClient and the typed errors", () => {
    expect(result().exports).toEqual(
      expect.arrayContaining(["createClient", "CircuitOpenError", "TimeoutError", "NetworkError"]),
    );
  });

  it("retries after a 503 and returns the second answer", () => {
    const { base } = upstreams();
    expect(result().cases.retry).toMatchObject({
      ok: true,
      status: 200,
      body: { hit: 2 },
      attempts: [
        { upstream: base, status: 503 },
        { upstream: base, status: 200 },
      ],
      retries: [{ reason: "status", status: 503 }],
    });
  });

  it("fails over to the second upstream after a refused connection", () => {
    const { base, dead } = upstreams();
    const failover = result().cases.failover!;
    expect(failover).toMatchObject({ ok: true, status: 200, body: { path: "/failover" } });
    const attempts = failover.attempts as Array<Record<string, unknown>>;
    expect(attempts).toHaveLength(2);
    expect(attempts[0]).toMatchObject({ upstream: dead });
    expect(attempts[0]!.error).toEqual(expect.any(String));
    expect(attempts[0]!.status).toBeUndefined();
    expect(attempts[1]).toMatchObject({ upstream: base, status: 200 });
  });

  it("spreads calls 2:1 over upstreams weighted 2:1 (round robin)", () => {
    const { base } = upstreams();
    expect(result().cases.balancer).toMatchObject({
      ok: true,
      statuses: [200, 200, 200, 200, 200, 200],
      requests: [
        [`${base}/u/a`, 4],
        [`${base}/u/b`, 2],
      ],
    });
  });

  it("answers from a hedge to the other upstream and aborts the slow attempt", () => {
    const { base } = upstreams();
    const hedge = result().cases.hedge!;
    expect(hedge).toMatchObject({ ok: true, status: 200, body: { hit: 2 } });
    // The first attempt is held for 3 s; the hedge goes out after 20 ms.
    expect(hedge.elapsedMs).toBeLessThan(1_500);
    expect(hedge.hedges).toEqual([{ upstream: `${base}/u/b`, reason: "delay" }]);
    expect(hedge.server).toEqual({ hits: 2, aborted: 1 });
  });

  it("keeps fetch's contract: bad input, other schemes, undefined members, aborts, body deadline", () => {
    const contract = result().cases.contract!;
    expect(contract).toMatchObject({
      ok: true,
      badInput: Array(6).fill({ error: "TypeError" }),
      afterBadInput: { status: 200, body: { path: "/contract" } },
      dataUrl: { error: "TypeError" },
      queryPath: { status: 200, body: { path: "/contract" } },
      undefinedMembers: { status: 200, body: { method: "DELETE", headers: { "x-kept": "1" } } },
      noReason: { error: "AbortError" },
      // Only the calls that reached the server count: bad input is no attempt.
      attempts: [200, 200, 200, 200],
      upstream: { state: "up", failures: 0 },
      server: { hits: 1, aborted: 1 },
    });
    // The stalled body errors as this runtime's fetch errors a body whose signal aborted.
    const { stalled, reference } = contract as Record<string, { error: string; limit?: string }>;
    expect(stalled!.error).toBe(reference!.error);
    if (reference!.error === "TimeoutError") expect(stalled!.limit).toBe("total");
  });

  it("opens the breaker after 5 refused connections and then fails fast", () => {
    const { dead } = upstreams();
    expect(result().cases.breaker).toMatchObject({
      ok: true,
      errors: [...Array(5).fill("NetworkError"), "CircuitOpenError"],
      transitions: [{ upstream: dead, from: "closed", to: "open", reason: "consecutive-failures" }],
      attempts: 5,
    });
  });
}
