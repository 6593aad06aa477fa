import type { MiddlewareHandler } from "hono";
import { HUB_LIMITS } from "../src/protocol";
import type { HubBindings } from "./env";
import { jsonError } from "./errors";

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * Reads a JSON body of at most `maxBytes`: 413 when `Content-Length` says more (before
 * reading) or when the bytes actually sent run past it (reading stops there); 415 for a
 * non-JSON content type; 400 with `issues` for invalid UTF-8 or JSON. The bytes read are put
 * back as the request's body for the schema validator that follows.
 *
 * @example
 * ```ts
 * app.post("/v1/services/:service/reports", jsonBody(), zValidator("json", reportBody, hook), handler);
 * ```
 */
export function jsonBody(maxBytes: number = HUB_LIMITS.bodyBytes): MiddlewareHandler<HubBindings> {
  return async function limitedJsonBody(c, next) {
    const declared = c.req.header("content-length");
    if (declared !== undefined) {
      if (!/^\d+$/.test(declared)) return jsonError(c, 400, "invalid Content-Length");
      if (Number(declared) > maxBytes) return tooLarge(c, maxBytes);
    }
    const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim();
    if (!JSON_TYPE.test(type)) return jsonError(c, 415, "expected Content-Type: application/json");
    const bytes = await readAtMost(c.req.raw.body, maxBytes);
    if (bytes === null) return tooLarge(c, maxBytes);
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      return jsonError(c, 400, "invalid JSON", [{ path: "", message: "body is not valid UTF-8" }]);
    }
    try {
      JSON.parse(text);
    } catch (err) {
      return jsonError(c, 400, "invalid JSON", [{ path: "", message: (err as Error).message }]);
    }
    // Hand the bytes already read to the validator, as Hono's own bodyLimit does.
    c.req.raw = new Request(c.req.raw, { body: bytes });
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
