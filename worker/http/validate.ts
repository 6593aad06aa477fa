import type { Context, MiddlewareHandler } from "hono";
import type { z } from "zod";
import type { HubBindings } from "../env";
import { jsonError, toIssues } from "./errors";

/**
 * Path-parameter and query validation with a zod schema, synchronous: `@hono/zod-validator`
 * runs every schema through `safeParseAsync` and awaits a hook and `next` in turn, which
 * for these small, synchronous schemas costs more promises than the parse itself, on
 * every request. The contract is the same: 400 `{ error, issues }` on a mismatch, and the
 * parsed value as `c.req.valid("param")` / `c.req.valid("query")`.
 */

type Target = "param" | "query";
type Validated<T extends Target, S extends z.ZodType> = MiddlewareHandler<
  HubBindings,
  string,
  {
    in: { [K in T]: Record<string, string | string[]> };
    out: { [K in T]: z.output<S> };
  }
>;

/**
 * Validates the route's path parameters.
 *
 * @example
 * ```ts
 * app.get("/v1/services/:service/health", validParam(serviceParam), (c) => c.text(c.req.valid("param").service));
 * ```
 */
export function validParam<S extends z.ZodType>(schema: S): Validated<"param", S> {
  return function validParam(c, next) {
    return validate(c, next, "param", schema, c.req.param());
  };
}

/**
 * Validates the query string; a key given more than once arrives as an array (as with
 * Hono's validator), so a schema that expects one value rejects it.
 *
 * @example
 * ```ts
 * app.get("/v1/services/:service/events", validQuery(eventsQuery), (c) => c.json(c.req.valid("query")));
 * ```
 */
export function validQuery<S extends z.ZodType>(schema: S): Validated<"query", S> {
  return function validQuery(c, next) {
    const value: Record<string, string | string[]> = {};
    const all = c.req.queries();
    for (const key in all) {
      const values = all[key]!;
      value[key] = values.length === 1 ? values[0]! : values;
    }
    return validate(c, next, "query", schema, value);
  };
}

async function validate(
  c: Context<HubBindings>,
  next: () => Promise<void>,
  target: Target,
  schema: z.ZodType,
  value: unknown,
): Promise<Response | undefined> {
  const result = schema.safeParse(value);
  if (!result.success) return jsonError(c, 400, "invalid request", toIssues(result.error.issues));
  c.req.addValidatedData(target, result.data as object);
  await next();
  return undefined;
}
