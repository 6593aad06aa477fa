import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { HubEventsPage } from "../../src/protocol";
import type { HealthHub } from "../../worker/objects/health-hub";
import {
  call,
  configure,
  hits,
  hubOf,
  setSwitch,
  snapshot,
  TOKENS,
  uniqueService,
  upstream,
} from "./helpers";

const slowHeartbeat = { interval: 60_000, timeout: 500, rise: 2, fall: 3 };

async function heartbeatRound(service: string): Promise<void> {
  expect(await runDurableObjectAlarm(hubOf(service))).toBe(true);
}

async function events(service: string): Promise<HubEventsPage> {
  const res = await call("GET", `/v1/services/${service}/events`, { token: TOKENS.read });
  return (await res.json()) as HubEventsPage;
}

describe("heartbeat alarm", () => {
  it("probes every upstream and records what they answer", async () => {
    const service = uniqueService("hb");
    const good = upstream("/status/200");
    const bad = upstream("/status/503");
    await configure(service, {
      upstreams: [good, bad],
      heartbeat: { ...slowHeartbeat, rise: 1, fall: 1 },
    });
    await heartbeatRound(service);
    const snap = await snapshot(service);
    const [a, b] = snap.upstreams;
    expect(a!.heartbeat.last).toMatchObject({ ok: true, status: 200 });
    expect(a!.heartbeat.verdict).toBe("up");
    expect(a!.verdict).toBe("up");
    expect(b!.heartbeat.last).toMatchObject({
      ok: false,
      status: 503,
      error: "unexpected status 503",
    });
    expect(b!.verdict).toBe("down");
    expect(b!.breakerHint).toBe("open");
    expect(a!.heartbeat.last!.at).toBeLessThanOrEqual(snap.generatedAt);
  });

  it("counts an unreachable upstream and a slow one as failures", async () => {
    const service = uniqueService("hb");
    await configure(service, {
      upstreams: ["http://127.0.0.1:1/", upstream("/slow/2000")],
      heartbeat: { ...slowHeartbeat, timeout: 200, rise: 1, fall: 1 },
    });
    await heartbeatRound(service);
    const [refused, slow] = (await snapshot(service)).upstreams;
    expect(refused!.heartbeat.last).toMatchObject({ ok: false, status: null });
    expect(slow!.heartbeat.last).toMatchObject({
      ok: false,
      status: null,
      error: "timed out after 200 ms",
    });
    expect(slow!.verdict).toBe("down");
  });

  it("judges statuses against expectedStatus", async () => {
    const service = uniqueService("hb");
    await configure(service, {
      upstreams: [{ url: upstream("/status"), healthPath: "/204", expectedStatus: [204] }],
      heartbeat: { ...slowHeartbeat, rise: 1 },
    });
    await heartbeatRound(service);
    expect((await snapshot(service)).upstreams[0]!.heartbeat.last).toMatchObject({
      ok: true,
      status: 204,
    });
  });

  it("flips up only after `rise` successes and down only after `fall` failures", async () => {
    const service = uniqueService("rf");
    const name = service;
    await configure(service, {
      upstreams: [upstream(`/switch/${name}`)],
      heartbeat: slowHeartbeat,
    });
    const verdicts: string[] = [];
    const round = async () => {
      await heartbeatRound(service);
      verdicts.push((await snapshot(service)).upstreams[0]!.heartbeat.verdict);
    };
    await round(); // 1 success: rise is 2
    await round(); // 2 successes: up
    await setSwitch(name, 503);
    await round();
    await round(); // 2 failures: fall is 3
    await setSwitch(name, 200);
    await round(); // a success resets the failure streak
    await setSwitch(name, 503);
    await round();
    await round();
    await round(); // 3 failures in a row: down
    await setSwitch(name, 200);
    await round(); // 1 success: still down
    await round(); // 2 successes: up
    expect(verdicts).toEqual(["unknown", "up", "up", "up", "up", "up", "up", "down", "down", "up"]);
    const log = (await events(service)).events.filter((e) => e.scope === "global");
    expect(log.map((e) => `${e.from}>${e.to}`)).toEqual(["down>up", "up>down", "unknown>up"]);
    expect(log[1]!.reason).toMatch(/3 heartbeats failed in a row/);
  });

  it("re-arms itself after each round, also when a probe throws", async () => {
    const service = uniqueService("rearm");
    await configure(service, {
      upstreams: [upstream("/status/200")],
      heartbeat: { ...slowHeartbeat, rise: 1 },
    });
    const stub = hubOf(service);
    await runInDurableObject(stub, (hub: HealthHub) => {
      hub.prober = async () => {
        throw new Error("probe exploded");
      };
    });
    const before = Date.now();
    await heartbeatRound(service);
    const alarm = await runInDurableObject(stub, (_hub, state) => state.storage.getAlarm());
    expect(alarm).toBeGreaterThanOrEqual(before + slowHeartbeat.interval - 1_000);
    const last = (await snapshot(service)).upstreams[0]!.heartbeat.last;
    expect(last).toMatchObject({ ok: false, status: null });
    expect(last!.error).toMatch(/probe exploded/);
    await heartbeatRound(service); // the re-armed alarm is there to run
  });

  it("arms the first heartbeat when a service is configured", async () => {
    const service = uniqueService("arm");
    const before = Date.now();
    await configure(
      service,
      { upstreams: [upstream("/status/200")], heartbeat: slowHeartbeat },
      { holdAlarm: false },
    );
    // Bounded by when the config call returned, not when it started: on a loaded machine the
    // call itself can take longer than the slack a fixed bound would allow.
    const after = Date.now();
    const alarm = await runInDurableObject(hubOf(service), (_hub, state) =>
      state.storage.getAlarm(),
    );
    expect(alarm).not.toBeNull();
    expect(alarm!).toBeGreaterThanOrEqual(before);
    expect(alarm!).toBeLessThanOrEqual(after + 1_000 + 50);
  });

  it("probes only the configured upstreams' health paths", async () => {
    const service = uniqueService("only");
    const base = `/status/200/${service}`;
    await configure(service, {
      upstreams: [{ url: upstream(base), healthPath: "/health" }, upstream(`${base}/b`)],
      heartbeat: slowHeartbeat,
    });
    await heartbeatRound(service);
    await heartbeatRound(service);
    const seen = await hits(base);
    expect(seen.sort()).toEqual([`${base}/b`, `${base}/b`, `${base}/health`, `${base}/health`]);
  });

  it("keeps history of upstreams that stay in a new config and drops removed ones", async () => {
    const service = uniqueService("recfg");
    const a = upstream("/status/200");
    const b = upstream("/status/503");
    await configure(service, {
      upstreams: [a, b],
      heartbeat: { ...slowHeartbeat, rise: 1, fall: 1 },
    });
    await heartbeatRound(service);
    await configure(service, {
      upstreams: [a, upstream("/status/204")],
      heartbeat: { ...slowHeartbeat, rise: 1, fall: 1 },
    });
    const snap = await snapshot(service);
    expect(snap.upstreams.map((u) => [u.url, u.verdict])).toEqual([
      [a, "up"],
      [upstream("/status/204"), "unknown"],
    ]);
  });
});
