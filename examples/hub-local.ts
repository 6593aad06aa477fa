/**
 * Starts the health hub Worker on 127.0.0.1 with an embedded local Durable Object store
 * (SQLite files in a temp dir), for demos, benchmarks and integration tests:
 *
 *   const hub = await startLocalHub();
 *   await fetch(`${hub.url}/healthz`);
 *   await hub.stop();
 *
 * It bundles worker/index.ts with esbuild and runs it in Miniflare (workerd) — about twice
 * as fast to start as wrangler's `unstable_startWorker`, which also works but has to load
 * all of wrangler first. The compatibility date comes from wrangler.toml, so local runs match
 * what `wrangler deploy` ships. `stop()` disposes workerd and removes the temp dir; no
 * process, timer or socket is left behind.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { Miniflare } from "miniflare";

/** The three bearer tokens a local hub accepts. */
export interface LocalHubTokens {
  read: string;
  report: string;
  admin: string;
}

/** Options of {@link startLocalHub}; all optional. */
export interface LocalHubOptions {
  /** Port on 127.0.0.1. @default 0 (a free port) */
  port?: number;
  /**
   * Directory for the Durable Object store. Kept by `stop()`, so a later hub started on it
   * sees the same state. @default a fresh temp dir that `stop()` deletes
   */
  persistTo?: string;
  /** Tokens to accept. @default fresh random tokens */
  tokens?: Partial<LocalHubTokens>;
  /**
   * Let upstreams be loopback or private addresses (`ALLOW_PRIVATE_UPSTREAMS`), as local
   * upstreams on 127.0.0.1 need. A deployed hub refuses them. @default true
   */
  allowPrivateUpstreams?: boolean;
  /** Print the Worker's console output (and workerd's) to this process's stdio. @default false */
  verbose?: boolean;
  /**
   * Serve the Worker on its own socket, without Miniflare's entry worker in front of it.
   * That proxy (the one `wrangler dev` uses too) re-creates every request in a second
   * isolate before the hub sees it; deployed Workers have no such hop. Benchmarks use this
   * to measure the hub rather than the local proxy. `port` then applies to this socket.
   * @default false
   */
  direct?: boolean;
}

/** A running local hub. */
export interface LocalHub {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:8787`. */
  url: string;
  tokens: LocalHubTokens;
  /** Stops workerd and deletes the temp store (unless `persistTo` was given). Idempotent. */
  stop(): Promise<void>;
}

const root = fileURLToPath(new URL("..", import.meta.url));
const HUB_ENTRY = "worker/index.ts";

/**
 * The given tokens, with fresh random ones for any left out.
 *
 * @example
 * ```ts
 * const tokens = localHubTokens({ admin: "dev-admin-token" }); // read and report are random
 * ```
 */
export function localHubTokens(given: Partial<LocalHubTokens> = {}): LocalHubTokens {
  return {
    read: given.read ?? `read-${randomUUID()}`,
    report: given.report ?? `report-${randomUUID()}`,
    admin: given.admin ?? `admin-${randomUUID()}`,
  };
}

/**
 * Starts the hub on 127.0.0.1 and resolves once it answers.
 *
 * @example
 * ```ts
 * import { startLocalHub } from "./examples/hub-local";
 *
 * const hub = await startLocalHub();
 * await fetch(`${hub.url}/v1/services/demo/config`, {
 *   method: "PUT",
 *   headers: { authorization: `Bearer ${hub.tokens.admin}`, "content-type": "application/json" },
 *   body: JSON.stringify({ upstreams: ["http://127.0.0.1:9001"], heartbeat: { interval: 1_000, timeout: 500 } }),
 * });
 * await hub.stop();
 * ```
 */
export async function startLocalHub(options: LocalHubOptions = {}): Promise<LocalHub> {
  const tokens = localHubTokens(options.tokens);
  const [script, compatibilityDate] = await Promise.all([bundleWorker(), readCompatibilityDate()]);
  const ownDir = options.persistTo === undefined;
  const dir = options.persistTo ?? (await mkdtemp(join(tmpdir(), "resilient-fetch-hub-")));
  const quiet = !options.verbose;
  let mf: Miniflare;
  try {
    mf = new Miniflare({
      modules: [{ type: "ESModule", path: "index.js", contents: script }],
      compatibilityDate,
      // Never download Cloudflare's `request.cf` object: local runs stay on loopback (offline too).
      cf: false,
      durableObjects: { HUB: { className: "HealthHub", useSQLite: true } },
      durableObjectsPersist: dir,
      bindings: {
        HUB_READ_TOKEN: tokens.read,
        HUB_REPORT_TOKEN: tokens.report,
        HUB_ADMIN_TOKEN: tokens.admin,
        ALLOW_PRIVATE_UPSTREAMS: String(options.allowPrivateUpstreams ?? true),
      },
      host: "127.0.0.1",
      port: options.direct ? 0 : (options.port ?? 0),
      ...(options.direct
        ? { unsafeDirectSockets: [{ host: "127.0.0.1", port: options.port ?? 0 }] }
        : {}),
      ...(quiet ? { handleRuntimeStdio: drain } : {}),
    });
  } catch (err) {
    if (ownDir) await rm(dir, { recursive: true, force: true });
    throw err;
  }
  let url: URL;
  try {
    url = await mf.ready;
    if (options.direct) url = await mf.unsafeGetDirectURL();
  } catch (err) {
    await mf.dispose().catch(() => {});
    if (ownDir) await rm(dir, { recursive: true, force: true });
    throw err;
  }
  let stopping: Promise<void> | null = null;
  return {
    url: url.origin,
    tokens,
    stop() {
      stopping ??= (async () => {
        await mf.dispose();
        if (ownDir) await rm(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

/**
 * Bundles a Worker as wrangler would: one ES module, `cloudflare:*` left to workerd. By
 * default the hub (worker/index.ts); `resolveDir` is where its imports are looked up.
 *
 * @example
 * ```ts
 * const hubScript = await bundleWorker();
 * const appScript = await bundleWorker("examples/hub-worker.ts", consumerDir);
 * ```
 */
export async function bundleWorker(entry = HUB_ENTRY, resolveDir = root): Promise<string> {
  const result = await build({
    entryPoints: [join(resolveDir, entry)],
    absWorkingDir: resolveDir,
    ...(entry === HUB_ENTRY ? { tsconfig: join(root, "worker/tsconfig.json") } : {}),
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    external: ["cloudflare:*"],
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0]!.text;
}

/**
 * The hub's compatibility date from wrangler.toml.
 *
 * @example
 * ```ts
 * const compatibilityDate = await readCompatibilityDate();
 * ```
 */
export async function readCompatibilityDate(): Promise<string> {
  const toml = await readFile(join(root, "wrangler.toml"), "utf8");
  const date = /^compatibility_date\s*=\s*"(\d{4}-\d{2}-\d{2})"/m.exec(toml)?.[1];
  if (!date) throw new Error("wrangler.toml has no compatibility_date");
  return date;
}

function drain(stdout: Readable, stderr: Readable): void {
  stdout.resume();
  stderr.resume();
}
