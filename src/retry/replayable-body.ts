import { isStream, refusalOf } from "../core/refusal";
import type { Call } from "../types";

/**
 * Makes the call's request body safe to send again, and says whether it is. Strings,
 * buffers, `Blob`, `URLSearchParams` and `FormData` are re-read by `fetch` on every send, so
 * they are replayable as they are. A `ReadableStream` can be read only once: it is buffered
 * up to `limit` bytes (`call.init` then carries the bytes); past that, the chunks read so far
 * are stitched back in front of the rest of the stream and the call gets a single attempt
 * (`false`), which the retry layer reports in its events.
 *
 * Buffering hides a stream from `fetch`, so the runtime first judges the request as `fetch`
 * would (no `duplex`, a body on a GET): a refusal ends the call (see `judgeFailure`). The
 * read runs `within` the call's scope: the caller's abort or the deadline cancels a slow
 * upload's read and rejects as the call would.
 *
 * @example
 * ```ts
 * call.replayable = await replayableBody(call, 1 << 20);
 * ```
 */
export async function replayableBody(call: Call, limit: number): Promise<boolean> {
  const { init, scope } = call;
  const body = init.body;
  if (!isStream(body)) return body == null || isReusable(body);
  const refused = refusalOf(LOCAL, init);
  if (refused !== undefined) {
    scope.refuse(refused, false);
    throw refused;
  }
  const reader = body.getReader();
  const buffered = await scope.within(buffer(reader, limit), (reason) => {
    reader.cancel(reason).catch(() => {});
  });
  const copy: RequestInit & { duplex?: string } = { ...init, body: buffered.body };
  if (buffered.replayable) delete copy.duplex;
  call.init = copy;
  return buffered.replayable;
}

const LOCAL = "http://localhost/";

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

// `fetch` reads strings, buffers, `Blob`, `URLSearchParams` and `FormData` (and stringifies
// anything else) afresh on every send; only an async iterable (a Node stream, an async
// generator, which some runtimes take as a body) is used up like a stream.
function isReusable(body: object | string): boolean {
  return typeof (body as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] !== "function";
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
