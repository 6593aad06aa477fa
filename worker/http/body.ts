import type { MiddlewareHandler } from "hono";
import type { z } from "zod";
import { HUB_LIMITS } from "../../src/protocol";
import type { HubBindings } from "../env";
import { jsonError, toIssues } from "./errors";

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * Reads, parses and validates a JSON body in one pass, so the bytes are read and parsed
 * once: 413 when `Content-Length` says more than `maxBytes` (nothing is read) or when the
 * bytes actually sent run past it (reading stops there); 415 for a non-JSON content type;
 * 400 `{ error, issues }` for invalid UTF-8, invalid JSON or a schema mismatch. A body with
 * a declared length is read in one call (HTTP framing stops it at the header's length); a
 * streamed one chunk by chunk. The parsed value is available as `c.req.valid("json")`,
 * typed like a Hono validator's.
 *
 * @example
 * ```ts
 * app.post("/v1/services/:service/reports", jsonBody(reportBody), (c) => c.json(c.req.valid("json")));
 * ```
 */
export function jsonBody<S extends z.ZodType>(
  schema: S,
  maxBytes: number = HUB_LIMITS.bodyBytes,
): MiddlewareHandler<
  HubBindings,
  string,
  { in: { json: z.input<S> }; out: { json: z.output<S> } }
> {
  return async function validJsonBody(c, next) {
    const declared = c.req.header("content-length");
    if (declared !== undefined) {
      if (!/^\d+$/.test(declared)) return jsonError(c, 400, "invalid Content-Length");
      if (Number(declared) > maxBytes) return tooLarge(c, maxBytes);
    }
    const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim();
    if (!JSON_TYPE.test(type)) return jsonError(c, 415, "expected Content-Type: application/json");
    // With a declared length the HTTP framing bounds the body, so it is read in one call;
    // the size is still checked, for in-process callers whose header and body disagree.
    const bytes =
      declared !== undefined
        ? new Uint8Array(await c.req.raw.arrayBuffer())
        : await readAtMost(c.req.raw.body, maxBytes);
    if (bytes === null || bytes.byteLength > maxBytes) return tooLarge(c, maxBytes);
    let value: unknown;
    try {
      value = JSON.parse(decoder.decode(bytes));
    } catch (err) {
      const message = err instanceof SyntaxError ? err.message : "body is not valid UTF-8";
      return jsonError(c, 400, "invalid JSON", [{ path: "", message }]);
    }
    const result = schema.safeParse(value);
    if (!result.success) return jsonError(c, 400, "invalid request", toIssues(result.error.issues));
    c.req.addValidatedData("json", result.data as object);
    await next();
  };
}

function tooLarge(c: Parameters<MiddlewareHandler<HubBindings>>[0], maxBytes: number): Response {
  return jsonError(c, 413, `body exceeds ${maxBytes} bytes`);
}

/** The whole body, or `null` as soon as it passes `maxBytes` (the rest is not read). */
async function readAtMost(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<Uint8Array | null> {
  if (body === null) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
