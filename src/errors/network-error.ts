/**
 * Rejected when the last attempt failed at the network level (refused, reset, DNS) and no
 * retry is left. It extends `TypeError`, so code written for `fetch` (which rejects with a
 * `TypeError`) keeps working; `cause` is the transport's own error.
 *
 * @example
 * ```ts
 * catch (error) { if (error instanceof TypeError) console.log("network:", error.cause); }
 * ```
 */
export class NetworkError extends TypeError {
  override readonly name = "NetworkError";
  readonly attempts: number;
  readonly upstreams: readonly string[];

  constructor(attempts: number, upstreams: readonly string[], options: { cause: unknown }) {
    const detail = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(
      `fetch failed after ${attempts} attempt(s) (${upstreams.join(", ")}): ${detail}`,
      options,
    );
    this.attempts = attempts;
    this.upstreams = upstreams;
  }
}
