import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { type ScenarioResult, scenarioTests } from "../scenario-tests";

const upstreams = () => inject("workerdUpstreams");
const call = (path: string) =>
  exports.default.fetch(
    `http://e2e.test${path}?env=${encodeURIComponent(JSON.stringify(upstreams()))}`,
  );

describe("workerd: a Worker's fetch handler runs the shared scenario", () => {
  let result: ScenarioResult;

  beforeAll(async () => {
    const res = await call("/scenario");
    expect(res.status).toBe(200);
    result = (await res.json()) as ScenarioResult;
  }, 30_000);

  scenarioTests(() => result, upstreams);
});

describe("workerd: a client kept in the isolate", () => {
  it("keeps its state across requests", async () => {
    const first = (await (await call("/sticky")).json()) as { requests: number };
    const second = (await (await call("/sticky")).json()) as { requests: number };
    expect(second.requests).toBe(first.requests + 1);
  });

  it("opens its breaker over 5 requests and fails the next one fast", async () => {
    // Counting the calls of the test above: every call is one refused attempt until the
    // fifth opens the breaker; the next is refused by the breaker without an attempt.
    let last: { error?: string; requests: number; transitions: unknown[] } | undefined;
    for (let i = 0; i < 10 && last?.error !== "CircuitOpenError"; i++) {
      last = await (await call("/sticky")).json();
    }
    expect(last?.error).toBe("CircuitOpenError");
    expect(last?.requests).toBe(5);
    expect(last?.transitions).toEqual([
      { from: "closed", to: "open", reason: "consecutive-failures" },
    ]);
  });
});

describe("workerd: examples/worker.ts", () => {
  it("proxies a request to the upstream with the client it keeps", async () => {
    const res = await call("/v1/users/42");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ path: "/v1/users/42" });
  });
});
