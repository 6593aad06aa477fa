/**
 * Starts the health hub with `wrangler dev` itself (a child process: wrangler's proxy in
 * front of workerd, the local Durable Object store in a temp dir), for measuring the hub the
 * way issue 6 asks and as people run it locally. Same shape as `startLocalHub()`, which
 * skips wrangler and runs the bundle in Miniflare directly (faster to start):
 *
 *   const hub = await startWranglerHub();
 *   await fetch(`${hub.url}/healthz`);
 *   await hub.stop();
 *
 * `stop()` ends wrangler and workerd (the whole process group) and removes the temp dir.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type LocalHub, type LocalHubOptions, localHubTokens } from "./hub-local";

const root = fileURLToPath(new URL("..", import.meta.url));
const READY_WITHIN_MS = 60_000;

/**
 * Runs `wrangler dev` on 127.0.0.1 and resolves once `/healthz` answers.
 *
 * @example
 * ```ts
 * import { startWranglerHub } from "./examples/hub-wrangler";
 *
 * const hub = await startWranglerHub();
 * console.log(await (await fetch(`${hub.url}/healthz`)).json()); // { ok: true }
 * await hub.stop();
 * ```
 */
export async function startWranglerHub(
  options: Omit<LocalHubOptions, "persistTo"> = {},
): Promise<LocalHub> {
  const tokens = localHubTokens(options.tokens);
  const port = options.port || (await freePort());
  const dir = await mkdtemp(join(tmpdir(), "resilient-fetch-wrangler-"));
  const child = spawn(
    join(root, "node_modules/.bin/wrangler"),
    [
      "dev",
      ...["--ip", "127.0.0.1", "--port", String(port), "--persist-to", dir],
      ...["--show-interactive-dev-session=false", "--log-level", options.verbose ? "log" : "warn"],
      ...["--var", `HUB_READ_TOKEN:${tokens.read}`],
      ...["--var", `HUB_REPORT_TOKEN:${tokens.report}`],
      ...["--var", `HUB_ADMIN_TOKEN:${tokens.admin}`],
      ...["--var", `ALLOW_PRIVATE_UPSTREAMS:${options.allowPrivateUpstreams ?? true}`],
    ],
    {
      cwd: root,
      // Its own process group, so stop() reaches workerd too.
      detached: true,
      stdio: options.verbose ? "inherit" : "ignore",
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" },
    },
  );
  let stopping: Promise<void> | null = null;
  const hub: LocalHub = {
    url: `http://127.0.0.1:${port}`,
    tokens,
    stop() {
      stopping ??= (async () => {
        await end(child);
        await rm(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
  try {
    await untilHealthy(hub.url, child);
  } catch (err) {
    await hub.stop();
    throw err;
  }
  return hub;
}

async function untilHealthy(url: string, child: ChildProcess): Promise<void> {
  const until = Date.now() + READY_WITHIN_MS;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`wrangler dev did not answer /healthz within ${READY_WITHIN_MS} ms`);
}

/** SIGTERM to the group, SIGKILL if it is still there after 5 s. */
async function end(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // Already gone.
    }
  };
  signal("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), 5_000);
  });
  if ((await Promise.race([exited, late])) === "late") {
    signal("SIGKILL");
    await exited;
  }
  clearTimeout(timer);
  // workerd may outlive wrangler by a moment; the group kill reaches it either way.
  signal("SIGKILL");
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
