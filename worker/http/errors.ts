import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { HubError } from "../../src/protocol";

/**
 * JSON error responses: every error the hub sends has the {@link HubError} shape.
 */

/** A field problem as the API reports it. */
export type Issue = { path: string; message: string };

/**
 * Sends `{ error, issues? }` with `status`.
 *
 * @example
 * ```ts
 * return jsonError(c, 404, "unknown service");
 * ```
 */
export function jsonError(
  c: Context,
  status: ContentfulStatusCode,
  error: string,
  issues?: Issue[],
  headers?: Record<string, string>,
): Response {
  const body: HubError = issues ? { error, issues } : { error };
  return c.json(body, status, headers);
}

/**
 * Flattens schema issues (zod's, or any `{ path, message }` list) to the API's form.
 *
 * @example
 * ```ts
 * toIssues(result.error.issues); // [{ path: "upstreams.0.url", message: "…" }]
 * ```
 */
export function toIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): Issue[] {
  return issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
}
