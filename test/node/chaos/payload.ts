import { createHash } from "node:crypto";

/**
 * The bytes a chaos call sends and expects back, derived from the call's id, so a body
 * that arrives truncated, padded or meant for another call is caught on either side.
 */

/** `size` bytes repeating `"<call>;"`: the body of a call's answer, or of its request. */
export function bodyOf(call: number, size: number): Buffer {
  const bytes = Buffer.alloc(size);
  if (size === 0) return bytes;
  let filled = bytes.write(`${call};`.repeat(Math.ceil(64 / (String(call).length + 1))));
  // Doubling copies: a 1.2 MiB body in ~15 native copies rather than a loop over its bytes.
  while (filled < size) filled += bytes.copy(bytes, filled, 0, filled);
  return bytes;
}

/** Whether `bytes` are exactly the answer call `call` asked for with `size`. */
export function isBodyOf(call: number, size: number, bytes: Uint8Array): boolean {
  return bytes.byteLength === size && bodyOf(call, size).equals(bytes);
}

/** The `x-chaos-body` header's value for a request body: its length and digest. */
export function bodyTag(bytes: Uint8Array): string {
  return `${bytes.byteLength}:${createHash("sha1").update(bytes).digest("base64")}`;
}
