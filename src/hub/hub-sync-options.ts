import { isWorkerd } from "../clock";
import {
  COUNT,
  describe,
  type Fields,
  functionOption,
  type NumberRule,
  numberOption,
  sectionOption,
} from "../options/validate";
import type { FetchLike } from "../types";

/**
 * A Cloudflare service binding to the hub Worker, or anything else with a `fetch` like it.
 *
 * @example
 * ```ts
 * const hub: HubBinding = env.HUB; // [[services]] binding = "HUB", service = "health-hub"
 * ```
 */
export interface HubBinding {
  fetch(input: string, init?: RequestInit): Promise<Response>;
}

/**
 * Options of `hubSync()`. `hub`, `service` and `token` are required.
 *
 * @example
 * ```ts
 * hubSync({ hub: "https://hub.example.workers.dev", service: "payments", token: env.HUB_REPORT_TOKEN });
 * ```
 */
export interface HubSyncOptions {
  /** The hub: its base URL, or a service binding to it (any object with `fetch`). */
  hub: string | URL | HubBinding;
  /** The service's name at the hub (`[A-Za-z0-9][A-Za-z0-9._-]{0,63}`). */
  service: string;
  /**
   * A bearer token of the hub: the report token (`HUB_REPORT_TOKEN`, which may also read and
   * is handed probe leases). A read token only reads: reports are then refused (an
   * `unreachable` event with status 403) and no leases come.
   */
  token: string;
  /**
   * The location to report as and whose verdicts to prefer (`[A-Za-z0-9_-]{1,16}`).
   * @default where Cloudflare received the hub request (`request.cf.colo`; "local" off Cloudflare)
   */
  colo?: string;
  /** ms between report batches. @default 2_000 */
  reportInterval?: number;
  /** A batch is sent early once it holds this many outcomes. @default 1_000 */
  reportAfter?: number;
  /** ms between snapshot refreshes (each with `If-None-Match`). @default 2_000 */
  refreshInterval?: number;
  /** ms a fresh client's first calls may wait for its first snapshot; 0 never waits. @default 100 */
  firstSync?: number;
  /** Timeout of each hub request (and of each edge heartbeat without a lease timeout), ms. @default 2_000 */
  timeout?: number;
  /** Hub data older than this is ignored, ms. @default the snapshot's `ttlMs`, else 30_000 */
  ttl?: number;
  /** Longest wait before retrying after hub errors (exponential backoff, full jitter), ms. @default 60_000 */
  maxBackoff?: number;
  /** Unsent report batches kept while the hub cannot be reached; older ones are dropped. @default 30 */
  maxQueued?: number;
  /**
   * Run the sync on background timers (the client's clock) between calls. Off on Cloudflare
   * Workers, where there are no timers outside a request: there sync runs from calls and is
   * handed to their `waitUntil`.
   * @default true, except on Cloudflare Workers
   */
  background?: boolean;
  /** The `fetch` for hub requests when `hub` is a URL. @default globalThis.fetch, looked up per request */
  fetch?: FetchLike;
}

/** {@link HubSyncOptions} with every default applied; `hub` is a function sending a path. */
export interface ResolvedHubSyncOptions {
  hub: (path: string, init: RequestInit) => Promise<Response>;
  service: string;
  token: string;
  colo: string | undefined;
  reportInterval: number;
  reportAfter: number;
  refreshInterval: number;
  firstSync: number;
  timeout: number;
  ttl: number | undefined;
  maxBackoff: number;
  maxQueued: number;
  background: boolean;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const COLO = /^[A-Za-z0-9_-]{1,16}$/;
const MS: NumberRule = { min: 1, max: 3_600_000 };

function hubOption(value: unknown, path: string, fetch: FetchLike | undefined) {
  if (typeof (value as HubBinding | null)?.fetch === "function") {
    const binding = value as HubBinding;
    // The host of a service binding's URL is not used for routing; the path is.
    return (route: string, init: RequestInit) => binding.fetch(`https://hub${route}`, init);
  }
  if (typeof value !== "string" && !(value instanceof URL)) {
    throw new TypeError(
      `${path} must be the hub's URL or a service binding (with fetch), got ${describe(value)}`,
    );
  }
  let url: URL;
  try {
    url = new URL(String(value));
  } catch (cause) {
    throw new TypeError(`${path} is not an absolute URL: ${String(value)}`, { cause });
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || url.search || url.hash) {
    throw new TypeError(`${path} must be an http(s) URL without query or fragment: ${url.href}`);
  }
  const base = url.href.replace(/\/+$/, "");
  return (route: string, init: RequestInit) =>
    (fetch ?? (globalThis.fetch as FetchLike))(base + route, init);
}

function text(pattern: RegExp, rule: string, optional = false) {
  return (value: unknown, path: string) => {
    if (optional && value === undefined) return undefined as unknown as string;
    if (typeof value !== "string" || !pattern.test(value)) {
      throw new TypeError(`${path} must match ${rule}, got ${describe(value)}`);
    }
    return value;
  };
}

type HubSyncFields = Omit<ResolvedHubSyncOptions, "hub"> & {
  hub: unknown;
  fetch: FetchLike | undefined;
};

const FIELDS: Fields<HubSyncFields> = {
  fetch: (value, path) => functionOption<FetchLike>(path, value),
  hub: (value) => value,
  service: text(NAME, "[A-Za-z0-9][A-Za-z0-9._-]{0,63}"),
  token: text(/^[!-~]{1,512}$/, "1 to 512 visible ASCII characters (a bearer token)"),
  colo: text(COLO, "[A-Za-z0-9_-]{1,16}", true),
  reportInterval: { default: 2_000, ...MS },
  reportAfter: { default: 1_000, ...COUNT, max: 1_000_000 },
  refreshInterval: { default: 2_000, ...MS },
  firstSync: { default: 100, min: 0, max: 10_000 },
  timeout: { default: 2_000, ...MS },
  ttl: (value, path) =>
    value === undefined ? undefined : numberOption(path, value, { min: 1, max: 86_400_000 }),
  maxBackoff: { default: 60_000, min: 1, max: 86_400_000 },
  maxQueued: { default: 30, ...COUNT, max: 10_000 },
  background: (value, path) => {
    if (value === undefined) return !isWorkerd;
    if (typeof value !== "boolean")
      throw new TypeError(`${path} must be a boolean, got ${describe(value)}`);
    return value;
  },
};

/**
 * Validates `hubSync()`'s options once and fills in the defaults. Errors are a `TypeError` or
 * `RangeError` naming the option as `health.<name>`.
 *
 * @example
 * ```ts
 * resolveHubSyncOptions({ hub: "https://hub.example", service: "payments", token: "t" }).reportInterval; // 2_000
 * ```
 */
export function resolveHubSyncOptions(options: HubSyncOptions): ResolvedHubSyncOptions {
  if (options === null || typeof options !== "object") {
    throw new TypeError(
      `hubSync needs options with hub, service and token, got ${describe(options)}`,
    );
  }
  const { fetch, hub, ...rest } = sectionOption<HubSyncFields>("health", options, FIELDS);
  return { ...rest, hub: hubOption(hub, "health.hub", fetch) };
}
