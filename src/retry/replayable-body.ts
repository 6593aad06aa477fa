/**
 * Makes a request body safe to send again. Strings, buffers, `Blob`, `URLSearchParams` and
 * `FormData` are re-read by `fetch` on every send, so they are replayable as they are. A
 * `ReadableStream` can be read only once: it is buffered up to `limit` bytes; past that, the
 * bytes read so far are stitched back in front of the rest of the stream and the call gets a
 * single attempt (`replayable: false`), which the retry layer reports in its events.
 *
 * @example
 * ```ts
 * const { body, replayable } = await replayableBody(init.body, 1 << 20);
 * ```
 *
 * `onReading` receives a function that cancels the read (e.g. when the caller aborts while
 * a slow upload is being buffered).
 */
export async function replayableBody(
  body: BodyInit | null | undefined,
  limit: number,
  onReading?: (cancel: (reason: unknown) => void) => void,
): Promise<{ body: BodyInit | null | undefined; replayable: boolean }> {
  if (body === null || body === undefined || !isStream(body)) {
    return { body, replayable: body === null || body === undefined || isReusable(body) };
  }
  const reader = body.getReader();
  onReading?.((reason) => {
    reader.cancel(reason).catch(() => {});
  });
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    const chunk = toBytes(value);
    chunks.push(chunk);
    size += chunk.byteLength;
    if (size > limit) return { body: stitch(chunks, reader), replayable: false };
  }
  return { body: concat(chunks, size) as Uint8Array<ArrayBuffer>, replayable: true };
}

function isStream(body: unknown): body is ReadableStream<unknown> {
  return typeof ReadableStream !== "undefined" && body instanceof ReadableStream;
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

function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === "string") return new TextEncoder().encode(value);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) {
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }
  throw new TypeError("request body stream chunks must be bytes or strings");
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function stitch(
  chunks: Uint8Array[],
  reader: ReadableStreamDefaultReader<unknown>,
): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (index < chunks.length) {
        controller.enqueue(chunks[index++]!);
        return;
      }
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(toBytes(value));
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
