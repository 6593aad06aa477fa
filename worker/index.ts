import { Hono } from "hono";
import type { HubReportAck } from "../src/protocol";
import type { HubBindings } from "./env";
import { allows, requireScope } from "./http/auth";
import { jsonBody } from "./http/body";
import { boundedMemo } from "./http/bounded-memo";
import { dashboard } from "./http/dashboard";
import { jsonError } from "./http/errors";
import { configBody, eventsQuery, healthQuery, reportBody, serviceParam } from "./http/schemas";
import { validParam, validQuery } from "./http/validate";
import { allowsPrivateUpstreams, privateUpstreamError } from "./model/url";
import type { Refusal } from "./objects/health-hub";

/**
 * The health hub Worker: routing, auth, limits and validation, then one typed RPC call
 * into the service's `HealthHub` Durable Object. The API is described in docs/hub.md ("API")
 * and its wire types in `src/protocol.ts`.
 */

const SERVICE = "/v1/services/:service";
const service = validParam(serviceParam);

// `idFromName` hashes the name on every call; ids are plain values, kept per isolate and
// namespace. Stubs belong to a request and are not kept.
const idsByNamespace = new WeakMap<Env["HUB"], (name: string) => DurableObjectId>();
function hubOf(env: Env, name: string) {
  const namespace = env.HUB;
  let idOf = idsByNamespace.get(namespace);
  if (idOf === undefined) {
    idOf = boundedMemo((service: string) => namespace.idFromName(service));
    idsByNamespace.set(namespace, idOf);
  }
  return namespace.get(idOf(name));
}
/** The caller's location: `?colo=`/body `colo`, else where Cloudflare received it. */
const coloOf = (request: Request, explicit: string | undefined) =>
  explicit ?? (request.cf?.colo as string | undefined) ?? "local";
const refuse = (c: Parameters<typeof jsonError>[0], r: Refusal) =>
  jsonError(c, r.status, r.error, r.issues);

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
  return c.json(
    { service: name, config: result.config, version: result.version },
    result.created ? 201 : 200,
  );
});

app.post(`${SERVICE}/reports`, requireScope("report"), service, jsonBody(reportBody), async (c) => {
  const { service: name } = c.req.valid("param");
  const batch = c.req.valid("json");
  const reply = await hubOf(c.env, name).report(coloOf(c.req.raw, batch.colo), batch);
  if (typeof reply !== "number") return refuse(c, reply);
  const accepted = {
    upstreams: batch.upstreams?.length ?? 0,
    heartbeats: batch.heartbeats?.results.length ?? 0,
  };
  return c.json({ accepted, version: reply } satisfies HubReportAck, 202);
});

app.get(`${SERVICE}/health`, requireScope("read"), service, validQuery(healthQuery), async (c) => {
  const { service: name } = c.req.valid("param");
  const colo = coloOf(c.req.raw, c.req.valid("query").colo);
  const mayProbe = allows(c.get("scope"), "report");
  const reply = await hubOf(c.env, name).health(
    colo,
    c.req.header("if-none-match") ?? null,
    mayProbe,
  );
  if (!reply.ok) return refuse(c, reply);
  const headers = { ETag: reply.etag, "Cache-Control": "no-cache" };
  if (reply.status === 304) return c.body(null, 304, headers);
  return c.body(reply.body, 200, {
    ...headers,
    "Content-Type": "application/json; charset=utf-8",
  });
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
