import type { MiddlewareHandler } from "hono";
import type { z } from "zod";
import { HUB_LIMITS } from "../../src/protocol";
import type { HubBindings } from "../env";
import { jsonError, toIssues } from "./errors";

/**
 * How far an oversized streamed body is read (and dropped) before the 413 goes out. The
 * runtime reuses a connection only once the request on it has been read to its end: a
 * body cancelled part-way made workerd drop the connection, so under `wrangler dev` the
 * upload got a 503 or a reset instead of its 413, and so did requests sharing the
 * connection. Past this bound the body is cancelled after all (the reading must end
 * somewhere), and the caller may see the connection close after its 413.
 *
 * @example
 * ```ts
 * if (bytesRead > DRAIN_BYTES) await reader.cancel();
 * ```
 */
export const DRAIN_BYTES = 8 * 1024 * 1024;
const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * Reads, parses and validates a JSON body in one pass, so the bytes are read and parsed
 * once: 413 when `Content-Length` says more than `maxBytes` (nothing is read) or when the
 * bytes actually sent run past it (the rest is read and dropped, up to {@link DRAIN_BYTES},
 * so the connection stays usable); 415 for a non-JSON content type;
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
    let bytes: Uint8Array | null;
    try {
      bytes =
        declared !== undefined
          ? new Uint8Array(await c.req.raw.arrayBuffer())
          : await readAtMost(c.req.raw.body, maxBytes);
    } catch {
      // The client broke off mid-body: its request, not the hub, failed.
      return jsonError(c, 400, "request body ended early");
    }
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

/**
 * The whole body, or `null` once it passes `maxBytes`: the rest is then read without being
 * kept, to its end or to {@link DRAIN_BYTES}, where it is cancelled.
 */
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
    if (size > maxBytes) return drain(reader, size);
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

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, read: number): Promise<null> {
  try {
    while (read <= DRAIN_BYTES) {
      const { done, value } = await reader.read();
      if (done) return null;
      read += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // The client went away mid-body; the 413 is all that is left to send.
  }
  return null;
}
