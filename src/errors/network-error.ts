/**
 * Rejected when the last attempt failed at the network level (refused, reset, DNS) and no
 * retry is left. It stands where `fetch`'s own `TypeError` would: it extends `TypeError`,
 * and its `cause` is that error's `cause` (on Node, the system error, so
 * `error.cause.code === "ECONNREFUSED"` works as after `fetch`), or the transport's error
 * itself when that has no `cause` (Deno, Bun and browsers put the detail in the message).
 * The transport's own error is always `transportError`.
 *
 * @example
 * ```ts
 * catch (error) {
 *   if (error instanceof TypeError && error.cause?.code === "ECONNREFUSED") markDown();
 * }
 * ```
 */
export class NetworkError extends TypeError {
  override readonly name = "NetworkError";
  readonly attempts: number;
  readonly upstreams: readonly string[];
  /** What the transport rejected with (`fetch`'s `TypeError: fetch failed`, …). */
  readonly transportError: unknown;

  constructor(attempts: number, upstreams: readonly string[], transportError: unknown) {
    const inner = transportError as Error | null | undefined;
    super(
      `fetch failed after ${attempts} attempt(s) (${upstreams.join(", ")}): ${inner?.message ?? inner}`,
      { cause: inner?.cause ?? transportError },
    );
    this.attempts = attempts;
    this.upstreams = upstreams;
    this.transportError = transportError;
  }
}
