import fc from "fast-check";
import type { ZodType } from "zod";
import { HUB_LIMITS } from "../../src/protocol";
import {
  configBody,
  eventsQuery,
  healthQuery,
  reportBody,
  serviceParam,
} from "../../worker/http/schemas";
import { fieldsOf } from "./abuse-schema";
import { mutate, mutationOf, nastyString, refusedBy, toJsonText } from "./abuse-values";
import { TOKENS } from "./helpers";

/**
 * Generated malformed requests for each hub endpoint. Every request has at least one thing
 * wrong with it that the hub must refuse with a 4xx (checked by an oracle where the fault
 * is in the data: the schema itself must refuse the body or query), so none may change the
 * service's state. `expect` lists the statuses that fault allows.
 */

export type Scope = keyof typeof TOKENS;
/** A request as data, so a failing one prints in full. */
export interface AbuseRequest {
  fault: string;
  method: string;
  path: string;
  headers: [string, string][];
  /** A string (sent with its length), raw bytes, or `{ stream }` bytes without a length. */
  body?: string | Uint8Array | { stream: number };
  expect: number[];
}

/** One endpoint of the hub, with what a valid request to it looks like. */
export interface Endpoint {
  name: string;
  method: "GET" | "PUT" | "POST";
  route: string;
  scope: Scope;
  body?: { schema: ZodType; valid: fc.Arbitrary<unknown> };
  query?: { schema: ZodType; valid: fc.Arbitrary<Record<string, string>> };
  /** Headers a valid request needs besides auth (a WebSocket upgrade). */
  headers?: [string, string][];
}

const RANK: Record<Scope, number> = { read: 1, report: 2, admin: 3 };
const colo = fc.stringMatching(/^[A-Za-z0-9_-]{1,16}$/);

/** The hub's endpoints; `urls` are the target service's configured upstreams. */
export function endpoints(urls: readonly string[]): Endpoint[] {
  const url = fc.constantFrom(...urls);
  const count = fc.integer({ min: 0, max: 1_000 });
  const upstream = fc.oneof(
    url,
    fc.record(
      {
        url,
        weight: fc.integer({ min: 1, max: 10 }),
        healthPath: fc.constantFrom("/", "/healthz", "/status"),
        expectedStatus: fc.oneof(fc.constant(200), fc.constant([200, 204])),
        drain: fc.boolean(),
      },
      { requiredKeys: ["url"] },
    ),
  );
  const config = fc.record(
    {
      upstreams: fc.uniqueArray(upstream, {
        minLength: 1,
        maxLength: urls.length,
        selector: (u) => (typeof u === "string" ? u : u.url),
      }),
      heartbeat: fc.record(
        {
          interval: fc.integer({ min: 5_000, max: 60_000 }),
          timeout: fc.integer({ min: 100, max: 5_000 }),
          rise: fc.integer({ min: 1, max: 10 }),
          fall: fc.integer({ min: 1, max: 10 }),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: ["upstreams"] },
  );
  const entry = fc.record(
    {
      url,
      successes: count,
      failures: count,
      timeouts: count,
      latency: fc.record({
        count,
        sumMs: fc.integer({ min: 0, max: 100_000 }),
        maxMs: fc.integer({ min: 0, max: 5_000 }),
      }),
      networkErrors: count,
      reporters: fc.constant(2),
      outOfRotation: fc.record({
        answers: fc.integer({ min: 0, max: 1 }),
        unreachable: fc.integer({ min: 0, max: 1 }),
      }),
    },
    { requiredKeys: ["url", "successes", "failures", "timeouts"] },
  );
  const results = fc.array(
    fc.record({
      url,
      status: fc.oneof(fc.constant(null), fc.integer({ min: 100, max: 599 })),
      latencyMs: fc.integer({ min: 0, max: 5_000 }),
    }),
    { minLength: 1, maxLength: 3 },
  );
  const report = fc.record(
    {
      colo,
      upstreams: fc.array(entry, { minLength: 1, maxLength: 3 }),
      heartbeats: fc.record({ leaseId: fc.uuid(), results }),
    },
    { requiredKeys: ["upstreams"] },
  );
  return [
    {
      name: "config",
      method: "PUT",
      route: "config",
      scope: "admin",
      body: { schema: configBody, valid: config },
    },
    {
      name: "reports",
      method: "POST",
      route: "reports",
      scope: "report",
      body: { schema: reportBody, valid: report },
    },
    {
      name: "health",
      method: "GET",
      route: "health",
      scope: "read",
      query: { schema: healthQuery, valid: fc.record({ colo }, { requiredKeys: [] }) },
    },
    {
      name: "events",
      method: "GET",
      route: "events",
      scope: "read",
      query: {
        schema: eventsQuery,
        valid: fc.record(
          {
            limit: fc.integer({ min: 1, max: 100 }).map(String),
            before: fc.integer({ min: 1, max: 1e6 }).map(String),
          },
          { requiredKeys: [] },
        ),
      },
    },
    {
      name: "subscribe",
      method: "GET",
      route: "subscribe",
      scope: "read",
      headers: [["upgrade", "websocket"]],
    },
  ];
}

const JSON_HEADERS: [string, string][] = [["content-type", "application/json"]];
const auth = (scope: Scope): [string, string] => ["authorization", `Bearer ${TOKENS[scope]}`];
/** `encodeURIComponent`, with lone surrogates (which it cannot encode) replaced. */
const encode = (s: string) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/gu, "\uFFFD"));
const encodeQuery = (query: Record<string, string | string[]>) =>
  Object.entries(query)
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${encode(k)}=${encode(x)}`))
    .join("&");

/** A request for `service` that is valid but for the parts a fault then replaces. */
interface Parts {
  service: string;
  query: Record<string, string | string[]>;
  headers: [string, string][];
  body?: AbuseRequest["body"];
}
function build(e: Endpoint, p: Parts, fault: string, expect: number[]): AbuseRequest {
  const query = encodeQuery(p.query);
  const path = `/v1/services/${p.service}/${e.route}${query ? `?${query}` : ""}`;
  return { fault, method: e.method, path, headers: p.headers, body: p.body, expect };
}

/** Every kind of malformed request for `e` against the configured service `service`. */
export function malformed(e: Endpoint, service: string): fc.Arbitrary<AbuseRequest> {
  const valid: fc.Arbitrary<Parts> = fc
    .tuple(
      e.body ? e.body.valid : fc.constant(undefined),
      e.query ? e.query.valid : fc.constant({}),
    )
    .map(([body, query]) => ({
      service,
      query,
      headers: [auth(e.scope), ...(e.body ? JSON_HEADERS : []), ...(e.headers ?? [])],
      body: body === undefined ? undefined : toJsonText(body),
    }));
  const faults: fc.Arbitrary<AbuseRequest>[] = [
    authFault(e, valid),
    serviceFault(e, valid),
    injectionFault(e, valid),
  ];
  if (e.method === "GET") faults.push(unknownService(e, valid));
  if (e.body) faults.push(...bodyFaults(e, e.body.schema, valid));
  if (e.query) faults.push(queryFault(e, e.query.schema, valid));
  if (e.route === "subscribe") {
    faults.push(
      fc
        .tuple(valid, fc.constantFrom(null, "h2c", "websocketx", "WebSocket2", ""))
        .map(([p, upgrade]) => {
          const headers = p.headers.filter(([k]) => k !== "upgrade");
          if (upgrade !== null) headers.push(["upgrade", upgrade]);
          return build(e, { ...p, headers }, "no WebSocket upgrade", [426]);
        }),
    );
  }
  if (e.route === "reports") faults.push(...reportSemanticFaults(e, valid));
  return fc.oneof(...faults);
}

function authFault(e: Endpoint, valid: fc.Arbitrary<Parts>): fc.Arbitrary<AbuseRequest> {
  const token = TOKENS[e.scope];
  const wrong = fc.oneof(
    fc.constant(null),
    fc.constantFrom(
      "",
      "Bearer",
      "Bearer ",
      `Basic ${btoa(`admin:${token}`)}`,
      `Token ${token}`,
      token,
      `Bearer ${token}x`,
      `Bearer x${token}`,
      `Bearer ${token.slice(0, -1)}`,
      `Bearer ${token.toUpperCase()}`,
      `Bearer ${token}\u007f`,
      `Bearer ${"a".repeat(600)}`,
      `Bearer ${TOKENS.read}${TOKENS.admin}`,
      `Bearer ${token}, Bearer ${token}`,
    ),
    fc
      .string({ unit: "binary-ascii", maxLength: 80 })
      .map((s) => `Bearer ${s.replace(/[\r\n\0]/g, "")}`),
  );
  const lower = (Object.keys(TOKENS) as Scope[]).filter((s) => RANK[s] < RANK[e.scope]);
  const options: fc.Arbitrary<AbuseRequest>[] = [
    fc.tuple(valid, wrong).map(([p, header]) => {
      const headers = p.headers.filter(([k]) => k !== "authorization");
      if (header !== null) headers.push(["authorization", header]);
      return build(e, { ...p, headers }, "missing or wrong token", [401]);
    }),
  ];
  if (lower.length > 0) {
    options.push(
      fc.tuple(valid, fc.constantFrom(...lower)).map(([p, scope]) => {
        const headers = p.headers.map(([k, v]): [string, string] =>
          k === "authorization" ? auth(scope) : [k, v],
        );
        return build(e, { ...p, headers }, "token without the scope", [403]);
      }),
    );
  }
  return fc.oneof(...options);
}

/** Service names the route refuses (checked against the schema after decoding). */
const badServiceName = fc
  .oneof(
    nastyString,
    fc.constantFrom(
      "..",
      ".",
      "-svc",
      "_svc",
      ".svc",
      "a".repeat(65),
      "a/b",
      "a\\b",
      "a b",
      "svc;x",
      "svc%00",
      "%2e%2e",
      "svc\r\nX-Injected: 1",
    ),
    fc.string({ unit: "grapheme", minLength: 1, maxLength: 70 }),
  )
  .filter((name) => !serviceParam.safeParse({ service: name }).success);

function serviceFault(e: Endpoint, valid: fc.Arbitrary<Parts>): fc.Arbitrary<AbuseRequest> {
  return fc.tuple(valid, badServiceName, fc.boolean()).map(([p, name, raw]) => {
    // Encoded as a client would, or with only the URL's own delimiters escaped (the URL
    // parser then resolves dot segments and percent-encodes the rest itself).
    const service = raw ? name.replace(/[%/?#\\]/g, encode) : encode(name);
    return build(e, { ...p, service }, "bad service name", [400, 404]);
  });
}

/**
 * Valid names of services that have no config. A few names, reused: every new name is a
 * Durable Object of its own, and the Workers pool slows down with each one it creates
 * (thousands would take minutes). test/worker/unknown-service.test.ts shows that such a
 * read stores nothing.
 */
function unknownService(e: Endpoint, valid: fc.Arbitrary<Parts>): fc.Arbitrary<AbuseRequest> {
  return fc
    .tuple(valid, fc.constantFrom("unknown", "Unknown-2", "unknown.svc", "u_1", "x".repeat(64)))
    .map(([p, name]) => build(e, { ...p, service: name }, "unknown service", [404]));
}

function injectionFault(e: Endpoint, valid: fc.Arbitrary<Parts>): fc.Arbitrary<AbuseRequest> {
  // The URL carries the CR/LF percent-encoded; headers cannot carry one at all (the Headers
  // API refuses it before sending), so the header side gets the values that can be sent.
  const pathInjection = fc
    .tuple(valid, fc.constantFrom("%0d%0aX-Injected:%201", "%0aSet-Cookie:%20a=b", "%00"))
    .map(([p, bad]) =>
      build(e, { ...p, service: `${p.service}${bad}` }, "CR/LF in the path", [400, 404]),
    );
  const badLength = fc
    .tuple(valid, fc.constantFrom("abc", "-1", "1.5", "0x10", "1e3", "10, 10"))
    .map(([p, length]) =>
      build(
        e,
        { ...p, headers: [...p.headers, ["content-length", length]], body: p.body ?? "" },
        "invalid Content-Length",
        [400],
      ),
    );
  const hugeHeaders = fc
    .tuple(valid, fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1_000, max: 16_000 }))
    .map(([p, count, size]) => {
      const headers: [string, string][] = [...p.headers.filter(([k]) => k !== "authorization")];
      for (let i = 0; i < count; i++)
        headers.push([`x-pad-${i}`, "v".repeat(Math.floor(size / count))]);
      headers.push(["authorization", `Bearer ${"t".repeat(size)}`]);
      return build(e, { ...p, headers }, "huge headers and token", [401]);
    });
  const options = [pathInjection, hugeHeaders, wrongMethod(e, valid)];
  if (e.body) options.push(badLength);
  return fc.oneof(...options);
}

/** A method the route does not serve: the app answers 404 as for any unknown route. */
function wrongMethod(e: Endpoint, valid: fc.Arbitrary<Parts>): fc.Arbitrary<AbuseRequest> {
  const methods = ["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS"].filter(
    (m) => m !== e.method,
  );
  return fc.tuple(valid, fc.constantFrom(...methods)).map(([p, method]) => {
    const request = build(
      e,
      method === "GET" || method === "OPTIONS" ? { ...p, body: undefined } : p,
      "wrong method",
      [404],
    );
    return { ...request, method };
  });
}

function bodyFaults(
  e: Endpoint,
  schema: ZodType,
  valid: fc.Arbitrary<Parts>,
): fc.Arbitrary<AbuseRequest>[] {
  const fields = fieldsOf(schema);
  const withBody = (p: Parts, body: AbuseRequest["body"], fault: string, expect: number[]) =>
    build(e, { ...p, body }, fault, expect);
  const schemaFault = fc
    .tuple(
      valid,
      e.body!.valid,
      fc.array(mutationOf(fields), { minLength: 1, maxLength: 3 }),
      fc.nat(),
    )
    .map(([p, base, mutations, pick]) => {
      let body: unknown = base;
      for (const m of mutations) body = mutate(body, m, pick) ?? body;
      const text = toJsonText(body);
      const big = new TextEncoder().encode(text).byteLength > HUB_LIMITS.bodyBytes;
      return {
        request: withBody(p, text, big ? "oversized body" : "schema mismatch", big ? [413] : [400]),
        text,
      };
    })
    .filter(({ text }) => refusedBy(schema, text))
    .map(({ request }) => request);
  const truncated = fc
    .tuple(valid, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }))
    .map(([p, at]) => {
      const text = p.body as string;
      return { p, text: text.slice(0, Math.floor(text.length * at)) };
    });
  const notJson = fc.oneof(
    truncated.map(({ p, text }) => withBody(p, text, "truncated JSON", [400])),
    fc
      .tuple(
        valid,
        fc.constantFrom(
          "NaN",
          "{",
          "[",
          "{'a':1}",
          '{"upstreams":[],}',
          "undefined",
          "// x\n{}",
          "\u0000",
          '"\\ud800"x',
          "{}{}",
        ),
      )
      .map(([p, text]) => withBody(p, text, "invalid JSON", [400])),
    fc
      .tuple(valid, fc.integer({ min: 1_000, max: 60_000 }))
      .map(([p, depth]) => withBody(p, "[".repeat(depth), "deeply nested JSON", [400])),
    fc
      .tuple(valid, fc.uint8Array({ minLength: 1, maxLength: 64 }))
      .map(([p, bytes]) =>
        withBody(
          p,
          new Uint8Array([0x7b, 0x22, 0xff, 0xfe, ...bytes, 0xc3, 0x28]),
          "invalid UTF-8",
          [400],
        ),
      ),
  );
  const jsonValue = fc
    .tuple(valid, fc.jsonValue({ maxDepth: 3 }))
    .map(([p, value]) => ({ p, text: toJsonText(value) }));
  const wrongShape = jsonValue
    .filter(({ text }) => refusedBy(schema, text))
    .map(({ p, text }) => withBody(p, text, "arbitrary JSON", [400]));
  const oversized = fc.oneof(
    fc
      .tuple(valid, fc.integer({ min: HUB_LIMITS.bodyBytes + 1, max: 4 * HUB_LIMITS.bodyBytes }))
      .map(([p, size]) =>
        withBody(p, `{"pad":"${"x".repeat(size)}"}`, "oversized body with Content-Length", [413]),
      ),
    fc
      .tuple(valid, fc.integer({ min: HUB_LIMITS.bodyBytes + 1, max: 4 * HUB_LIMITS.bodyBytes }))
      .map(([p, size]) =>
        withBody(p, { stream: size }, "oversized body without Content-Length", [413]),
      ),
    fc
      .tuple(valid, fc.constantFrom(`${HUB_LIMITS.bodyBytes + 1}`, "99999999999", "9".repeat(40)))
      .map(([p, length]) =>
        build(
          e,
          { ...p, headers: [...p.headers, ["content-length", length]] },
          "declared length over the limit",
          [413],
        ),
      ),
  );
  const contentType = fc
    .tuple(
      valid,
      fc.constantFrom(
        null,
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonx",
        "json",
        "application/xml",
        "text/json",
        "",
      ),
    )
    .map(([p, type]) => {
      const headers = p.headers.filter(([k]) => k !== "content-type");
      if (type !== null) headers.push(["content-type", type]);
      return build(e, { ...p, headers }, "not JSON content", [415]);
    });
  const noBody = valid.map((p) => build(e, { ...p, body: undefined }, "no body", [400]));
  return [schemaFault, schemaFault, notJson, wrongShape, oversized, contentType, noBody];
}

function queryFault(
  e: Endpoint,
  schema: ZodType,
  valid: fc.Arbitrary<Parts>,
): fc.Arbitrary<AbuseRequest> {
  const keys = fieldsOf(schema)
    .filter((f) => f.path.length === 1)
    .map((f) => f.path[0] as string);
  const badValue = fc.oneof(
    nastyString,
    fc.constantFrom(
      "",
      "abc",
      "1.5",
      "0",
      "-1",
      "101",
      "1e3",
      "Infinity",
      "NaN",
      "9".repeat(400),
      "1_000",
      "0x10",
      " 5",
      "x".repeat(17),
    ),
  );
  return fc
    .tuple(
      valid,
      fc.constantFrom(...keys),
      fc.oneof(badValue, fc.array(badValue, { minLength: 2, maxLength: 3 })),
    )
    .map(([p, key, value]) => ({ p: { ...p, query: { ...p.query, [key]: value } } }))
    .filter(({ p }) => !schema.safeParse(p.query).success)
    .map(({ p }) => build(e, p, "bad query", [400]));
}

function reportSemanticFaults(
  e: Endpoint,
  valid: fc.Arbitrary<Parts>,
): fc.Arbitrary<AbuseRequest>[] {
  const unknownUpstream = fc.tuple(valid, fc.nat(1_000_000)).map(([p, n]) => {
    const body = {
      upstreams: [
        { url: `http://127.0.0.1:1/unknown-${n}`, successes: 1, failures: 0, timeouts: 0 },
      ],
    };
    return build(e, { ...p, body: toJsonText(body) }, "unconfigured upstream", [400]);
  });
  const noLease = fc.tuple(valid, fc.uuid()).map(([p, leaseId]) => {
    const configured = JSON.parse(p.body as string) as { upstreams: { url: string }[] };
    const body = {
      colo: "ZZZ",
      heartbeats: {
        leaseId,
        results: [{ url: configured.upstreams[0]!.url, status: 200, latencyMs: 1 }],
      },
    };
    return build(e, { ...p, body: toJsonText(body) }, "results without a lease", [409]);
  });
  return [unknownUpstream, noLease];
}
