import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboard } from "../../worker/http/dashboard";
import { DASHBOARD_SCRIPTS } from "../../worker/http/dashboard/scripts";
import worker from "../../worker/index";
import { captureConsole } from "./abuse-checks";
import { direct } from "./direct-call";
import { configure, TOKENS, uniqueService, upstream, withBrokenObject } from "./helpers";

type Scope = keyof typeof TOKENS;
const RANK: Record<Scope, number> = { read: 1, report: 2, admin: 3 };

/**
 * The scope each route needs. Routes are read from the app itself, so a route added
 * without an entry here fails the first test instead of going unchecked.
 */
const NEEDS: Record<string, Scope> = {
  "PUT /v1/services/:service/config": "admin",
  "POST /v1/services/:service/reports": "report",
  "GET /v1/services/:service/health": "read",
  "GET /v1/services/:service/events": "read",
  "GET /v1/services/:service/subscribe": "read",
};
/** Served to anyone: liveness and the dashboard's static files (they carry no data). */
const OPEN = ["GET /healthz", ...dashboard.routes.map((r) => `${r.method} ${r.path}`)];

const routes = [
  ...new Set(worker.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${r.path}`)),
];

const WRONG = [
  null,
  "",
  "Bearer",
  "Bearer nope",
  `Basic ${btoa(`admin:${TOKENS.admin}`)}`,
  TOKENS.admin,
  `Bearer ${TOKENS.admin}x`,
  `Bearer ${TOKENS.admin.slice(0, -1)}`,
  `Bearer ${TOKENS.admin.toUpperCase()}`,
  `Bearer ${"x".repeat(513)}`,
];

describe("auth on every route", () => {
  const service = uniqueService("auth");
  const url = upstream(`/status/200/${service}`);
  const logs = captureConsole();
  const seen: string[] = [];

  async function send(route: string, authorization: string | null): Promise<Response> {
    const [method, path] = route.split(" ") as [string, string];
    const headers = new Headers({ "content-type": "application/json", upgrade: "websocket" });
    if (authorization !== null) headers.set("authorization", authorization);
    const body =
      method === "PUT"
        ? JSON.stringify({ upstreams: [url] })
        : method === "POST"
          ? JSON.stringify({ upstreams: [{ url, successes: 1, failures: 0, timeouts: 0 }] })
          : undefined;
    const request = new Request(`http://hub.test${path.replace(":service", service)}`, {
      method,
      headers,
      body,
    });
    const res = await direct(request);
    // A WebSocket reply has no body to read; everything else is kept for the leak check.
    const text = res.webSocket ? "" : await res.clone().text();
    seen.push(text, ...[...res.headers].map(([k, v]) => `${k}: ${v}`));
    res.webSocket?.accept();
    res.webSocket?.close(1000);
    return res;
  }

  beforeAll(async () => {
    await configure(service, { upstreams: [url] });
    logs.start();
  });
  afterAll(() => logs.stop());

  it("knows the scope of every route the app serves", () => {
    expect(routes.filter((r) => !OPEN.includes(r)).sort()).toEqual(Object.keys(NEEDS).sort());
  });

  it.each(Object.keys(NEEDS))(
    "%s: 401 without a valid token, 403 below its scope, served at it",
    async (route) => {
      const needed = NEEDS[route]!;
      for (const header of WRONG) {
        const res = await send(route, header);
        expect(res.status, `${route} with ${header}`).toBe(401);
        expect(res.headers.get("www-authenticate")).toBe('Bearer realm="health-hub"');
        expect(((await res.json()) as { error: string }).error).toMatch(/bearer token/);
      }
      for (const scope of Object.keys(TOKENS) as Scope[]) {
        const res = await send(route, `Bearer ${TOKENS[scope]}`);
        if (RANK[scope] < RANK[needed]) {
          expect(res.status, `${route} as ${scope}`).toBe(403);
          expect(await res.json()).toEqual({ error: `token lacks the ${needed} scope` });
        } else {
          expect(res.status, `${route} as ${scope}`).toBeLessThan(400);
        }
      }
    },
  );

  it.each(OPEN)("%s: served without a token, and a wrong one changes nothing", async (route) => {
    // A `:file` route serves each of the dashboard's modules.
    const files = route.includes(":file") ? [...DASHBOARD_SCRIPTS.keys()] : [""];
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      for (const header of [null, "Bearer nope"]) {
        const res = await send(route.replace(":file", file), header);
        expect(res.status, `${route} ${file}`).toBeLessThan(300);
      }
    }
  });

  it("never puts a token value in a response or a log line, also when a request fails inside", async () => {
    const res = await withBrokenObject(service, () =>
      send("GET /v1/services/:service/health", `Bearer ${TOKENS.admin}`),
    );
    expect(res.status).toBe(500);
    expect(logs.lines.some((l) => l.includes("hub error"))).toBe(true);
    for (const token of Object.values(TOKENS)) {
      expect(seen.filter((text) => text.includes(token))).toEqual([]);
      expect(logs.lines.filter((line) => line.includes(token))).toEqual([]);
    }
    expect(seen.length).toBeGreaterThan(50);
  });
});
