// Named imports, not the `z` namespace: the namespace drags all of zod (≈ 450 KB, locales
// included) into the Worker bundle; named imports let the bundler keep what is used.
import {
  array,
  boolean,
  coerce,
  int,
  NEVER,
  number,
  object,
  type output,
  preprocess,
  strictObject,
  string,
  union,
} from "zod";
import { HUB_DEFAULTS, HUB_LIMITS } from "../../src/protocol";
import { isHealthPath, normalizeUpstreamUrl } from "../model/url";
import { boundedMemo } from "./bounded-memo";

/**
 * Request schemas. Each parses to the shape the Durable Object works with (URLs
 * normalised, defaults applied), so nothing past validation re-checks input.
 */

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const COLO = /^[A-Za-z0-9_-]{1,16}$/;

// Reporters send the same few upstream URLs over and over; parsing each with `new URL` on
// every report was a visible share of a report's CPU. The function is pure, so its results
// are kept per isolate.
const normalizeCached = boundedMemo(normalizeUpstreamUrl);

const url = string()
  .max(HUB_LIMITS.urlLength)
  .transform((input, ctx) => {
    const result = normalizeCached(input);
    if ("url" in result) return result.url;
    ctx.addIssue({ code: "custom", message: result.error });
    return NEVER;
  });
const status = int().min(100).max(599);
const count = int().min(0).max(1_000_000);
const ms = number().min(0).max(3_600_000);

/**
 * `:service` — letters, digits, `.`, `_`, `-`; at most 64 characters.
 *
 * @example
 * ```ts
 * serviceParam.parse({ service: "payments" });
 * ```
 */
export const serviceParam = object({
  service: string().regex(NAME, "service must match [A-Za-z0-9][A-Za-z0-9._-]{0,63}"),
});

// A bare string is shorthand for `{ url }`; one object schema keeps the issues precise.
const upstream = preprocess(
  (u) => (typeof u === "string" ? { url: u } : u),
  strictObject({
    url,
    weight: number().gt(0).max(1000).default(HUB_DEFAULTS.weight),
    healthPath: string()
      .max(HUB_LIMITS.healthPathLength)
      .refine(isHealthPath, "healthPath must start with a single / and use URL characters only")
      .default(HUB_DEFAULTS.healthPath),
    expectedStatus: union([status, array(status).min(1).max(8)]).default(
      HUB_DEFAULTS.expectedStatus,
    ),
    drain: boolean().default(false),
  }).transform((u) => ({
    ...u,
    expectedStatus: Array.isArray(u.expectedStatus) ? u.expectedStatus : [u.expectedStatus],
  })),
);

/**
 * The body of `PUT /v1/services/:service/config`.
 *
 * @example
 * ```ts
 * const config = configBody.parse({ upstreams: ["https://a.internal"] });
 * ```
 */
export const configBody = strictObject({
  upstreams: array(upstream)
    .min(1)
    .max(HUB_LIMITS.upstreams)
    .superRefine((list, ctx) => {
      const seen = new Set<string>();
      list.forEach((u, i) => {
        if (seen.has(u.url))
          ctx.addIssue({
            code: "custom",
            path: [i, "url"],
            message: `duplicate upstream ${u.url}`,
          });
        seen.add(u.url);
      });
    }),
  heartbeat: strictObject({
    interval: int().min(1_000).max(3_600_000).default(HUB_DEFAULTS.interval),
    timeout: int().min(100).max(60_000).default(HUB_DEFAULTS.timeout),
    rise: int().min(1).max(10).default(HUB_DEFAULTS.rise),
    fall: int().min(1).max(10).default(HUB_DEFAULTS.fall),
  })
    .refine((h) => h.timeout <= h.interval, {
      path: ["timeout"],
      message: "timeout must not exceed interval",
    })
    .default({
      interval: HUB_DEFAULTS.interval,
      timeout: HUB_DEFAULTS.timeout,
      rise: HUB_DEFAULTS.rise,
      fall: HUB_DEFAULTS.fall,
    }),
});

const latency = strictObject({
  count,
  sumMs: number().min(0).max(1e12),
  maxMs: ms,
  p50Ms: ms.optional(),
  p99Ms: ms.optional(),
});

// Fields added after v1 shipped are optional with a default, so older clients' bodies
// still validate and parse to the same full shape.
const reportEntry = strictObject({
  url,
  successes: count,
  failures: count,
  networkErrors: count.default(0),
  timeouts: count,
  latency: latency.optional(),
  outOfRotation: strictObject({ answers: count, unreachable: count }).default({
    answers: 0,
    unreachable: 0,
  }),
  reporters: int().min(1).max(1_000_000).default(1),
}).refine((e) => e.outOfRotation.answers + e.outOfRotation.unreachable <= e.reporters, {
  path: ["outOfRotation"],
  message: "outOfRotation cannot exceed reporters (1 unless the entry merges several clients)",
});

/**
 * The body of `POST /v1/services/:service/reports`.
 *
 * @example
 * ```ts
 * reportBody.parse({ upstreams: [{ url, successes: 1, failures: 0, timeouts: 0 }] });
 * ```
 */
export const reportBody = strictObject({
  colo: string().regex(COLO, "colo must match [A-Za-z0-9_-]{1,16}").optional(),
  upstreams: array(reportEntry).max(HUB_LIMITS.reportEntries).optional(),
  heartbeats: strictObject({
    leaseId: string().min(1).max(64),
    results: array(
      strictObject({
        url,
        status: status.nullable(),
        latencyMs: ms,
        error: string().max(200).optional(),
      }),
    )
      .min(1)
      .max(HUB_LIMITS.reportEntries),
  }).optional(),
}).refine((b) => (b.upstreams?.length ?? 0) > 0 || b.heartbeats !== undefined, {
  message: "a report needs upstreams or heartbeats",
});

/**
 * The query of `GET /v1/services/:service/health`.
 *
 * @example
 * ```ts
 * healthQuery.parse({ colo: "AMS" });
 * ```
 */
export const healthQuery = object({
  colo: string().regex(COLO, "colo must match [A-Za-z0-9_-]{1,16}").optional(),
});

/**
 * The query of `GET /v1/services/:service/events`.
 *
 * @example
 * ```ts
 * eventsQuery.parse({ limit: "20", before: "118" }); // { limit: 20, before: 118 }
 * ```
 */
export const eventsQuery = object({
  limit: coerce.number().int().min(1).max(HUB_LIMITS.eventsPage).default(50),
  before: coerce.number().int().min(1).optional(),
});

/** A validated config body. */
export type ConfigBody = output<typeof configBody>;
/** A validated report body. */
export type ReportBody = output<typeof reportBody>;
