import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, configure, hubOf, TOKENS, uniqueService, upstream } from "./helpers";

/** What a service's Durable Object has stored: its SQLite tables, size, keys and alarm. */
function storedBy(service: string) {
  return runInDurableObject(hubOf(service), async (_hub, state) => ({
    tables: state.storage.sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master")
      .toArray()
      .map((r) => r.name),
    databaseSize: state.storage.sql.databaseSize,
    keys: [...(await state.storage.list()).keys()],
    alarm: await state.storage.getAlarm(),
  }));
}

// Every service name is its own Durable Object: if reading one created its tables, a read
// token could create storage without bound, one name at a time.
describe("a service without a config", () => {
  it("answers 404 on every route and stores nothing", async () => {
    const service = uniqueService("ghost");
    const report = { upstreams: [{ url: upstream("/x"), successes: 1, failures: 0, timeouts: 0 }] };
    const replies = await Promise.all([
      call("GET", `/v1/services/${service}/health`, { token: TOKENS.read }),
      call("GET", `/v1/services/${service}/health?colo=AMS`, { token: TOKENS.report }),
      call("GET", `/v1/services/${service}/events`, { token: TOKENS.read }),
      call("POST", `/v1/services/${service}/reports`, { token: TOKENS.report, body: report }),
      call("GET", `/v1/services/${service}/subscribe`, {
        token: TOKENS.read,
        headers: { upgrade: "websocket" },
      }),
    ]);
    for (const res of replies) {
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: "unknown service" });
    }
    const untouched = await storedBy(uniqueService("never-called"));
    const stored = await storedBy(service);
    expect(stored).toEqual({
      tables: [],
      databaseSize: untouched.databaseSize,
      keys: [],
      alarm: null,
    });
  });

  it("gets its storage when it is configured, and keeps it", async () => {
    const service = uniqueService("ghost");
    await configure(service, { upstreams: [upstream("/status/200")] });
    const stored = await storedBy(service);
    expect(stored.tables).toEqual(expect.arrayContaining(["config", "upstreams", "events"]));
    const health = await call("GET", `/v1/services/${service}/health`, { token: TOKENS.read });
    expect(health.status).toBe(200);
  });
});
