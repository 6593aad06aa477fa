import type { AbuseRequest } from "./abuse-requests";
import { TOKENS } from "./helpers";

/**
 * What the hub must do with a malformed request, checked on each reply: a 4xx the fault
 * allows, a JSON error body (`{ error, issues? }`), a challenge on 401, no token anywhere,
 * no header the request tried to inject.
 */

const TOKEN_VALUES = Object.values(TOKENS);
/** Headers the hub's error replies may carry. */
const ALLOWED_HEADERS = new Set(["content-type", "content-length", "www-authenticate", "upgrade"]);

/** The request as one line, for a failure message. */
export function describeRequest(req: AbuseRequest): string {
  const body =
    req.body === undefined
      ? ""
      : typeof req.body === "string"
        ? ` body(${req.body.length}) ${JSON.stringify(req.body.slice(0, 160))}`
        : req.body instanceof Uint8Array
          ? ` bytes(${req.body.byteLength})`
          : ` stream(${req.body.stream})`;
  return `[${req.fault}] ${req.method} ${req.path.slice(0, 200)} headers ${JSON.stringify(req.headers).slice(0, 300)}${body}`;
}

/** Everything wrong with `res` as the reply to `req` (empty when it is right). */
export async function problemsWith(req: AbuseRequest, res: Response): Promise<string[]> {
  const problems: string[] = [];
  const text = await res.text();
  if (res.status < 400 || res.status > 499) problems.push(`status ${res.status}`);
  else if (!req.expect.includes(res.status))
    problems.push(`status ${res.status}, expected ${req.expect.join(" or ")}`);
  if (!res.headers.get("content-type")?.startsWith("application/json")) {
    problems.push(`content-type ${res.headers.get("content-type")}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    problems.push("body is not JSON");
  }
  if (!isHubError(body)) problems.push("body is not { error, issues? }");
  if (res.status === 401 && !res.headers.get("www-authenticate")?.startsWith("Bearer")) {
    problems.push("401 without WWW-Authenticate: Bearer");
  }
  for (const [name, value] of res.headers) {
    if (!ALLOWED_HEADERS.has(name)) problems.push(`unexpected header ${name}`);
    if (TOKEN_VALUES.some((t) => value.includes(t))) problems.push(`token in header ${name}`);
  }
  if (TOKEN_VALUES.some((t) => text.includes(t))) problems.push("token in body");
  if (problems.length > 0)
    problems.push(`reply ${text.slice(0, 300)}`, `request ${describeRequest(req)}`);
  return problems;
}

function isHubError(body: unknown): boolean {
  if (typeof body !== "object" || body === null) return false;
  const { error, issues, ...rest } = body as Record<string, unknown>;
  if (typeof error !== "string" || Object.keys(rest).length > 0) return false;
  if (issues === undefined) return true;
  return (
    Array.isArray(issues) &&
    issues.every(
      (i) =>
        typeof i === "object" &&
        i !== null &&
        typeof i.path === "string" &&
        typeof i.message === "string",
    )
  );
}

/**
 * Console output captured between `start()` and `stop()` (the Worker and its Durable
 * Objects run in the test's isolate, so their logging lands here).
 *
 * @example
 * ```ts
 * const logs = captureConsole();
 * logs.start(); … ; logs.stop();
 * expect(logs.errors).toEqual([]);
 * ```
 */
export function captureConsole() {
  const methods = ["log", "info", "warn", "error", "debug"] as const;
  const saved = new Map<(typeof methods)[number], (...args: unknown[]) => void>();
  const capture = {
    lines: [] as string[],
    errors: [] as string[],
    start() {
      for (const m of methods) {
        saved.set(m, console[m]);
        console[m] = (...args: unknown[]) => {
          const line = args
            .map((a) =>
              a instanceof Error ? `${a.stack}` : typeof a === "string" ? a : JSON.stringify(a),
            )
            .join(" ");
          capture.lines.push(line);
          if (m === "error" || m === "warn") capture.errors.push(line);
        };
      }
    },
    stop() {
      for (const [m, fn] of saved) console[m] = fn;
      saved.clear();
    },
  };
  return capture;
}
