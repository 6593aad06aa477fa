import { describe, expect, it } from "vitest";
import type {
  HealthHost,
  HealthSession,
  HealthSource,
  HealthStatus,
  RemoteGate,
} from "../../src/health-source";
import { createClient } from "../../src/index";
import { ManualClock, seededRandom } from "../../src/testing/index";
import { scriptedFetch } from "./helpers/scripted-fetch";

const UPSTREAMS = ["http://a.test", "http://b.test", "http://c.test"];

/** A health source the test drives by hand: it records what the client tells it. */
function manualSource() {
  const recorded: Array<{ upstream: string; classification: string; status?: number }> = [];
  const beforeCalls: unknown[] = [];
  let host: HealthHost | undefined;
  let wait: Promise<void> | undefined;
  let closes = 0;
  const status: HealthStatus = {
    verdict: "down",
    scope: "global",
    ageMs: 5,
    drain: false,
    gate: "down",
  };
  const session: HealthSession = {
    beforeCall(init) {
      beforeCalls.push(init?.waitUntil);
      return wait;
    },
    record(upstream, classification, outcome) {
      recorded.push({ upstream: upstream.base, classification, status: outcome.status });
    },
    status: (upstream) => (upstream.remote === 0 ? undefined : status),
    async close() {
      closes++;
    },
  };
  const source: HealthSource = {
    attach(given) {
      host = given;
      return session;
    },
  };
  return {
    source,
    recorded,
    beforeCalls,
    get closes() {
      return closes;
    },
    setWait(promise: Promise<void> | undefined) {
      wait = promise;
    },
    gate(url: string, gate: RemoteGate) {
      const upstream = host!.pool.list.find((u) => u.base === url)!;
      upstream.remote = gate;
    },
    host: () => host!,
  };
}

function setup(options: Record<string, unknown> = {}) {
  const clock = new ManualClock(1_000_000);
  const { fetch, sent } = scriptedFetch();
  const health = manualSource();
  const client = createClient({
    upstreams: UPSTREAMS,
    fetch,
    clock,
    random: seededRandom(7),
    retry: false,
    health: health.source,
    ...options,
  });
  return { clock, sent, client, health };
}

/** Sends `n` calls one after another, answering each 200; returns the upstream hosts hit. */
async function callsGoTo(env: ReturnType<typeof setup>, n: number): Promise<string[]> {
  const hosts: string[] = [];
  for (let i = 0; i < n; i++) {
    const pending = env.client.fetch("/x");
    await Promise.resolve();
    const attempt = env.sent.at(-1)!;
    hosts.push(new URL(attempt.url).host);
    attempt.respond(200);
    await pending;
  }
  return hosts;
}

describe("createClient's health source plug-in point", () => {
  it("attaches the source once, with the upstreams, the client's local state and options", () => {
    const { health, clock } = setup();
    const host = health.host();
    expect(host.pool.list.map((u) => u.base)).toEqual(UPSTREAMS);
    expect(host.fleet.stateOf(host.pool.list[0]!, clock.now())).toBe("up");
    expect(host.options.clock).toBe(clock);
    expect(typeof host.events.on).toBe("function");
  });

  it("sends no new calls to an upstream the source marks down", async () => {
    const env = setup();
    env.health.gate("http://b.test", 1);
    const hosts = await callsGoTo(env, 30);
    expect(hosts).not.toContain("b.test");
    expect(new Set(hosts)).toEqual(new Set(["a.test", "c.test"]));
  });

  it("uses upstreams marked down again in panic mode (fewer than half healthy)", async () => {
    const env = setup();
    env.health.gate("http://a.test", 1);
    env.health.gate("http://b.test", 1);
    const hosts = await callsGoTo(env, 30);
    expect(new Set(hosts)).toEqual(new Set(["a.test", "b.test", "c.test"]));
  });

  it("never sends to a drained upstream, even in panic mode", async () => {
    const env = setup();
    env.health.gate("http://a.test", 2);
    env.health.gate("http://b.test", 2);
    const hosts = await callsGoTo(env, 30);
    expect(new Set(hosts)).toEqual(new Set(["c.test"]));
  });

  it("still lets a half-open breaker's probe through to an upstream marked down, never to a drained one", async () => {
    for (const gate of [1, 2] as const) {
      const env = setup({
        balancer: "round-robin",
        outlier: false,
        breaker: { consecutiveFailures: 2, openFor: { initial: 1_000 } },
      });
      // b.test fails twice: its breaker opens.
      for (let i = 0; i < 6; i++) {
        const pending = env.client.fetch("/x");
        await Promise.resolve();
        const attempt = env.sent.at(-1)!;
        attempt.respond(attempt.url.includes("b.test") ? 503 : 200);
        await pending;
      }
      expect(env.client.stats().upstreams[1]!.state).toBe("open");
      env.health.gate("http://b.test", gate);
      await env.clock.advanceAsync(1_000);
      const hosts = await callsGoTo(env, 3);
      // Down: the probe that may close the breaker goes (it is how the hub hears of recovery).
      if (gate === 1) expect(hosts[0]).toBe("b.test");
      else expect(hosts).not.toContain("b.test");
    }
  });

  it("lets a trickle upstream take a call only while none is in flight to it", async () => {
    const env = setup({ balancer: "round-robin" });
    env.health.gate("http://a.test", 3);
    // 30 calls at once, none answered yet: a.test gets at most one of them.
    const pending = Array.from({ length: 30 }, () => env.client.fetch("/x"));
    await Promise.resolve();
    const hosts = env.sent.map((attempt) => new URL(attempt.url).host);
    expect(hosts.filter((host) => host === "a.test")).toHaveLength(1);
    for (const attempt of env.sent) attempt.respond(200);
    await Promise.all(pending);
    // Answered: it may take the next one.
    const after = await callsGoTo(env, 6);
    expect(after).toContain("a.test");
  });

  it("tells the source every attempt's outcome as the client classified it", async () => {
    const env = setup();
    const ok = env.client.fetch("/x");
    await Promise.resolve();
    env.sent[0]!.respond(503);
    await ok;
    const refused = env.client.fetch("/y");
    await Promise.resolve();
    env.sent[1]!.refuse();
    await expect(refused).rejects.toThrow();
    const aborted = new AbortController();
    const gaveUp = env.client.fetch("/z", { signal: aborted.signal });
    await Promise.resolve();
    aborted.abort(new Error("caller left"));
    await expect(gaveUp).rejects.toThrow("caller left");
    expect(env.health.recorded.map((r) => [r.classification, r.status])).toEqual([
      ["failure", 503],
      ["failure", undefined],
      ["ignore", undefined],
    ]);
  });

  it("hands beforeCall the call's waitUntil, and never passes waitUntil to the transport", async () => {
    const env = setup();
    const waitUntil = (_promise: Promise<unknown>) => {};
    const pending = env.client.fetch("/x", { waitUntil, headers: { a: "1" } });
    await Promise.resolve();
    expect(env.health.beforeCalls).toEqual([waitUntil]);
    const init = env.sent[0]!.init as Record<string, unknown>;
    expect("waitUntil" in init).toBe(false);
    expect({ ...init }).not.toHaveProperty("waitUntil");
    expect(init.headers).toEqual({ a: "1" });
    env.sent[0]!.respond(200);
    await pending;
  });

  it("lets a call wait for the promise beforeCall returns before anything is sent", async () => {
    const env = setup();
    let release!: () => void;
    env.health.setWait(new Promise<void>((resolve) => (release = resolve)));
    const pending = env.client.fetch("/x");
    await env.clock.advanceAsync(0);
    expect(env.sent).toHaveLength(0);
    release();
    await env.clock.advanceAsync(0);
    expect(env.sent).toHaveLength(1);
    env.sent[0]!.respond(200);
    expect((await pending).status).toBe(200);
  });

  it("rejects a bad input after the wait without leaking the call into close()", async () => {
    const env = setup();
    env.health.setWait(Promise.resolve());
    await expect(env.client.fetch("https://elsewhere.test/x")).rejects.toThrow(TypeError);
    await env.client.close();
    expect(env.health.closes).toBe(1);
  });

  it("shows the source's status of each upstream in stats().upstreams[i].hub", () => {
    const env = setup();
    env.health.gate("http://b.test", 1);
    const [a, b] = env.client.stats().upstreams;
    expect(a!.hub).toBeUndefined();
    expect(b!.hub).toEqual({
      verdict: "down",
      scope: "global",
      ageMs: 5,
      drain: false,
      gate: "down",
    });
  });

  it("closes the source once, after the calls in flight have settled", async () => {
    const env = setup();
    const pending = env.client.fetch("/x");
    await Promise.resolve();
    const first = env.client.close();
    const second = env.client.close();
    await env.clock.advanceAsync(0);
    expect(env.health.closes).toBe(0);
    env.sent[0]!.respond(200);
    await pending;
    await Promise.all([first, second]);
    expect(env.health.closes).toBe(1);
  });

  it("rejects a health option that is not a health source, naming it", () => {
    expect(() => createClient({ upstreams: UPSTREAMS, health: {} as HealthSource })).toThrow(
      /^health\.attach must be a function, got an object$/,
    );
    expect(() =>
      createClient({ upstreams: UPSTREAMS, health: "hub" as unknown as HealthSource }),
    ).toThrow(TypeError);
  });
});
