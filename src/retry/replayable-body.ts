import type { CallScope } from "../core/call-scope";
import { isStream } from "../core/refusal";

/**
 * Makes a request body safe to send again. Strings, buffers, `Blob`, `URLSearchParams` and
 * `FormData` are re-read by `fetch` on every send, so they are replayable as they are. A
 * `ReadableStream` can be read only once: it is buffered up to `limit` bytes; past that, the
 * chunks read so far are stitched back in front of the rest of the stream and the call gets
 * a single attempt (`replayable: false`), which the retry layer reports in its events.
 * Buffering runs `within` the call's scope: the caller's abort or the deadline cancels the
 * read of a slow upload and rejects as the call would.
 *
 * @example
 * ```ts
 * const { body, replayable } = await replayableBody(init.body, 1 << 20, call.scope);
 * ```
 */
export async function replayableBody(
  body: BodyInit | null | undefined,
  limit: number,
  scope: Pick<CallScope, "within">,
): Promise<{ body: BodyInit | null | undefined; replayable: boolean }> {
  if (!isStream(body)) return { body, replayable: body == null || isReusable(body) };
  const reader = body.getReader();
  return scope.within(buffer(reader, limit), (reason) => {
    reader.cancel(reason).catch(() => {});
  });
}

async function buffer(
  reader: ReadableStreamDefaultReader,
  limit: number,
): Promise<{ body: BodyInit; replayable: boolean }> {
  const chunks: BlobPart[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    // A Blob joins byte chunks of any kind (and strings, as UTF-8) in one copy.
    if (done)
      return { body: new Uint8Array(await new Blob(chunks).arrayBuffer()), replayable: true };
    chunks.push(value);
    size += value.byteLength ?? value.length;
    if (size > limit) return { body: stitch(chunks, reader), replayable: false };
  }
}

function isReusable(body: unknown): boolean {
  return (
    typeof body === "string" ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    (typeof Blob !== "undefined" && body instanceof Blob) ||
    (typeof URLSearchParams !== "undefined" && body instanceof URLSearchParams) ||
    (typeof FormData !== "undefined" && body instanceof FormData)
  );
}

/** The chunks already read, then the rest of the stream, as one stream. */
function stitch(chunks: BlobPart[], reader: ReadableStreamDefaultReader): ReadableStream {
  return new ReadableStream({
    async pull(controller) {
      const { done, value } =
        chunks.length > 0 ? { done: false, value: chunks.shift() } : await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}
