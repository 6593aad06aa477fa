import type { Context } from "hono";
import { Hono } from "hono";
import type { HubReportAck } from "../src/protocol";
import { type HubBindings, locationSettings } from "./env";
import { allows, requireScope } from "./http/auth";
import { jsonBody } from "./http/body";
import { dashboard } from "./http/dashboard";
import { jsonError } from "./http/errors";
import { LocationReads } from "./http/location-reads";
import { routeReport } from "./http/location-reports";
import { objectOf } from "./http/objects";
import { configBody, eventsQuery, healthQuery, reportBody, serviceParam } from "./http/schemas";
import { validParam, validQuery } from "./http/validate";
import { allowsPrivateUpstreams, privateUpstreamError } from "./model/url";
import type { Refusal } from "./objects/hub-rpc";

/**
 * The health hub Worker: routing, auth, limits and validation, then typed RPC into the
 * service's `HealthHub` Durable Object — through the location layer for the two hot routes
 * (snapshots from the location's copy, reports merged by the location's `HubRelay`). The
 * API is described in docs/hub.md ("API") and docs/scale.md, its wire types in
 * `src/protocol.ts`.
 */

const SERVICE = "/v1/services/:service";
const service = validParam(serviceParam);
const hubOf = (env: HubBindings["Bindings"], name: string) => objectOf(env.HUB, name);
/** This isolate's snapshot copies and lease slots (plain values only). */
const reads = new LocationReads();
/** The caller's location: `?colo=`/body `colo`, else where Cloudflare received it. */
const coloOf = (request: Request, explicit: string | undefined) =>
  explicit ?? (request.cf?.colo as string | undefined) ?? "local";
const refuse = (c: Parameters<typeof jsonError>[0], r: Refusal) =>
  jsonError(c, r.status, r.error, r.issues);
/** `ctx.waitUntil`, when the runtime gave the request a context. */
function waitUntilOf(c: Context<HubBindings>) {
  try {
    const ctx = c.executionCtx;
    return (work: Promise<unknown>) => ctx.waitUntil(work);
  } catch {
    return undefined;
  }
}

const app = new Hono<HubBindings>();

app.onError((err, c) => {
  console.error("hub error", err);
  return jsonError(c, 500, "internal error");
});
app.notFound((c) => jsonError(c, 404, "not found"));

app.get("/healthz", (c) => c.json({ ok: true }));
app.route("/", dashboard);

app.put(`${SERVICE}/config`, requireScope("admin"), service, jsonBody(configBody), async (c) => {
  const { service: name } = c.req.valid("param");
  const config = c.req.valid("json");
  const allowPrivate = allowsPrivateUpstreams(c.env);
  const issues = config.upstreams.flatMap((u, i) => {
    const message = privateUpstreamError(u.url, allowPrivate);
    return message ? [{ path: `upstreams.${i}.url`, message }] : [];
  });
  if (issues.length > 0) return jsonError(c, 400, "invalid request", issues);
  const result = await hubOf(c.env, name).configure(name, config);
  reads.forget(name);
  return c.json(
    { service: name, config: result.config, version: result.version },
    result.created ? 201 : 200,
  );
});

app.post(`${SERVICE}/reports`, requireScope("report"), service, jsonBody(reportBody), async (c) => {
  const { service: name } = c.req.valid("param");
  const batch = c.req.valid("json");
  const colo = coloOf(c.req.raw, batch.colo);
  const reply = await routeReport(c.env, locationSettings(c.env), name, colo, batch);
  if (typeof reply !== "number") return refuse(c, reply);
  const accepted = {
    upstreams: batch.upstreams?.length ?? 0,
    heartbeats: batch.heartbeats?.results.length ?? 0,
  };
  return c.json({ accepted, version: reply } satisfies HubReportAck, 202);
});

app.get(`${SERVICE}/health`, requireScope("read"), service, validQuery(healthQuery), async (c) => {
  const { service: name } = c.req.valid("param");
  const answer = await reads.read({
    service: name,
    colo: coloOf(c.req.raw, c.req.valid("query").colo),
    ifNoneMatch: c.req.header("if-none-match") ?? null,
    mayProbe: allows(c.get("scope"), "report"),
    cacheMs: locationSettings(c.env).snapshotCacheMs,
    origin: () => hubOf(c.env, name),
    cacheUrl: new URL(c.req.url).origin,
    waitUntil: waitUntilOf(c),
  });
  if (!answer.ok) return refuse(c, answer);
  const headers = {
    ETag: answer.etag,
    // A response that hands out a probe lease is for its caller alone.
    "Cache-Control": answer.status === 200 && answer.lease ? "private, no-store" : "no-cache",
    "Hub-Snapshot-Source": answer.source,
  };
  if (answer.status === 304) return c.body(null, 304, headers);
  return c.body(answer.body, 200, {
    ...headers,
    "Content-Type": "application/json; charset=utf-8",
  });
});

app.get(`${SERVICE}/load`, requireScope("admin"), service, async (c) => {
  const reply = await hubOf(c.env, c.req.valid("param").service).load();
  return reply.ok ? c.json(reply.value) : refuse(c, reply);
});

app.get(`${SERVICE}/events`, requireScope("read"), service, validQuery(eventsQuery), async (c) => {
  const { service: name } = c.req.valid("param");
  const { limit, before } = c.req.valid("query");
  const reply = await hubOf(c.env, name).events(limit, before);
  return reply.ok ? c.json(reply.value) : refuse(c, reply);
});

app.get(`${SERVICE}/subscribe`, requireScope("read"), service, async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    return jsonError(c, 426, "expected a WebSocket upgrade", undefined, { Upgrade: "websocket" });
  }
  return hubOf(c.env, c.req.valid("param").service).fetch(c.req.raw);
});

export default app;
export { HealthHub } from "./objects/health-hub";
export { HubRelay } from "./objects/hub-relay";
