import { describe, expect, it } from "vitest";
import type { HubError } from "../../src/protocol";
import {
  call,
  configure,
  report,
  TOKENS,
  uniqueService,
  upstream,
  withBrokenObject,
} from "./helpers";

describe("liveness and routing", () => {
  it("answers /healthz without auth", async () => {
    const res = await call("GET", "/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it("answers an internal failure with a JSON 500", async () => {
    const service = uniqueService("boom");
    await configure(service, { upstreams: [upstream("/status/200")] });
    const res = await withBrokenObject(service, () =>
      call("GET", `/v1/services/${service}/health`, { token: TOKENS.read }),
    );
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: "internal error" });
  });

  it("answers unknown routes with a JSON 404", async () => {
    const res = await call("GET", "/v2/nothing", { token: TOKENS.admin });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "not found" });
  });
});

describe("auth", () => {
  const service = uniqueService("auth");
  const config = { upstreams: [upstream("/status/200")] };

  it("rejects a request without a bearer token with 401 and a challenge", async () => {
    const res = await call("GET", `/v1/services/${service}/health`);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(((await res.json()) as HubError).error).toBe("missing bearer token");
  });

  it("rejects a token that matches no secret with 401", async () => {
    for (const token of ["nope", `${TOKENS.admin}x`, TOKENS.admin.slice(0, -1)]) {
      const res = await call("GET", `/v1/services/${service}/health`, { token });
      expect(res.status).toBe(401);
      expect(((await res.json()) as HubError).error).toBe("invalid bearer token");
    }
  });

  it("rejects a non-bearer authorization header with 401", async () => {
    const res = await call("GET", `/v1/services/${service}/health`, {
      headers: { authorization: `Basic ${btoa("a:b")}` },
    });
    expect(res.status).toBe(401);
  });

  it("lets only the admin token change the config (403 for report and read)", async () => {
    for (const token of [TOKENS.read, TOKENS.report]) {
      const res = await call("PUT", `/v1/services/${service}/config`, { token, body: config });
      expect(res.status).toBe(403);
      expect(((await res.json()) as HubError).error).toBe("token lacks the admin scope");
    }
    const res = await call("PUT", `/v1/services/${service}/config`, {
      token: TOKENS.admin,
      body: config,
    });
    expect(res.status).toBe(201);
  });

  it("lets report and admin tokens report, not the read token", async () => {
    const body = {
      upstreams: [{ url: upstream("/status/200"), successes: 1, failures: 0, timeouts: 0 }],
    };
    const denied = await call("POST", `/v1/services/${service}/reports`, {
      token: TOKENS.read,
      body,
    });
    expect(denied.status).toBe(403);
    for (const token of [TOKENS.report, TOKENS.admin]) {
      const res = await call("POST", `/v1/services/${service}/reports`, { token, body });
      expect(res.status).toBe(202);
    }
  });

  it("lets every token read health and events", async () => {
    for (const token of Object.values(TOKENS)) {
      expect((await call("GET", `/v1/services/${service}/health`, { token })).status).toBe(200);
      expect((await call("GET", `/v1/services/${service}/events`, { token })).status).toBe(200);
    }
  });
});

describe("unknown services", () => {
  it("answers 404 on every service route until a config exists", async () => {
    const service = uniqueService("ghost");
    const routes: [string, string, unknown?][] = [
      ["GET", "health"],
      ["GET", "events"],
      [
        "POST",
        "reports",
        { upstreams: [{ url: upstream("/x"), successes: 1, failures: 0, timeouts: 0 }] },
      ],
    ];
    for (const [method, route, body] of routes) {
      const res = await call(method, `/v1/services/${service}/${route}`, {
        token: TOKENS.admin,
        body,
      });
      expect(res.status, route).toBe(404);
      expect(await res.json()).toEqual({ error: "unknown service" });
    }
    const ws = await call("GET", `/v1/services/${service}/subscribe`, {
      token: TOKENS.read,
      headers: { upgrade: "websocket" },
    });
    expect(ws.status).toBe(404);
  });

  it("rejects a malformed service name with 400", async () => {
    const res = await call("GET", "/v1/services/bad%20name!/health", { token: TOKENS.read });
    expect(res.status).toBe(400);
    const body = (await res.json()) as HubError;
    expect(body.issues?.[0]?.path).toBe("service");
  });
});

describe("config", () => {
  it("creates with 201, replaces with 200 and returns the resolved config", async () => {
    const service = uniqueService("cfg");
    const first = await call("PUT", `/v1/services/${service}/config`, {
      token: TOKENS.admin,
      body: { upstreams: [`${upstream("/status/200")}/`] },
    });
    expect(first.status).toBe(201);
    const second = await call("PUT", `/v1/services/${service}/config`, {
      token: TOKENS.admin,
      body: {
        upstreams: [
          { url: upstream("/a"), weight: 2, healthPath: "/status/204", expectedStatus: [204, 200] },
        ],
        heartbeat: { interval: 5_000, timeout: 500, rise: 1, fall: 2 },
      },
    });
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({
      service,
      config: {
        upstreams: [
          { url: upstream("/a"), weight: 2, healthPath: "/status/204", expectedStatus: [204, 200] },
        ],
        heartbeat: { interval: 5_000, timeout: 500, rise: 1, fall: 2 },
      },
    });
  });

  it("applies defaults and normalises URLs", async () => {
    const service = uniqueService("cfg");
    const res = await call("PUT", `/v1/services/${service}/config`, {
      token: TOKENS.admin,
      body: { upstreams: [`${upstream("/status/200")}/`] },
    });
    expect(await res.json()).toMatchObject({
      config: {
        upstreams: [
          { url: upstream("/status/200"), weight: 1, healthPath: "/", expectedStatus: [200] },
        ],
        heartbeat: { interval: 10_000, timeout: 2_000, rise: 2, fall: 3 },
      },
    });
  });
});

describe("reports", () => {
  it("accepts a batch with 202 and counts it in the snapshot", async () => {
    const service = uniqueService("rep");
    await configure(service, { upstreams: [upstream("/status/200")] });
    const res = await report(service, {
      colo: "AMS",
      upstreams: [
        {
          url: upstream("/status/200"),
          successes: 18,
          failures: 2,
          timeouts: 0,
          latency: { count: 20, sumMs: 400, maxMs: 50 },
        },
      ],
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ accepted: { upstreams: 1, heartbeats: 0 } });
    const health = await call("GET", `/v1/services/${service}/health`, { token: TOKENS.read });
    const snap = (await health.json()) as {
      upstreams: {
        calls: number;
        successRate: number;
        latencyEwmaMs: number;
        locations: Record<string, { verdict: string }>;
      }[];
    };
    expect(snap.upstreams[0]).toMatchObject({ calls: 20, successRate: 0.9, latencyEwmaMs: 20 });
    expect(snap.upstreams[0]!.locations.AMS!.verdict).toBe("up");
  });
});
