import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "../../scripts/build";

/** The repository root. */
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The built package, packed and installed into a fresh project, as a user would have it. */
export interface PreparedPackage {
  /** The `npm pack` tarball. */
  tarball: string;
  /** Paths inside the tarball, without the `package/` prefix, sorted. */
  files: string[];
  /**
   * A temporary project (`"type": "module"`) with the tarball installed, plus copies of
   * test/runtimes/{host.js,scenario.js,page.html,types-probe.ts} and examples/*.ts, so every import
   * of `resilient-fetch` in them resolves the way it would for a user.
   */
  consumerDir: string;
}

const BUILD = Symbol.for("resilient-fetch.e2e.build");

/**
 * Builds `dist/` once per vitest run, however many projects' global setups ask (they all run
 * in vitest's main process), so no project reads `dist/` while another rewrites it.
 *
 * @example
 * ```ts
 * await buildOnce(); // dist/ is fresh
 * ```
 */
export function buildOnce(): Promise<void> {
  const store = globalThis as { [BUILD]?: Promise<void> };
  store[BUILD] ??= Promise.resolve().then(() => build(ROOT));
  return store[BUILD];
}

/**
 * Builds, packs (`npm pack`) and installs the tarball offline into a temporary project.
 * `dispose` removes the temporary files.
 *
 * @example
 * ```ts
 * const pkg = await preparePackage();
 * // pkg.consumerDir/node_modules/resilient-fetch/dist/index.js
 * pkg.dispose();
 * ```
 */
export async function preparePackage(): Promise<PreparedPackage & { dispose(): void }> {
  await buildOnce();
  const work = mkdtempSync(join(tmpdir(), "resilient-fetch-e2e-"));
  try {
    const packed = npm(["pack", "--json", "--ignore-scripts", "--pack-destination", work], ROOT);
    const [info] = JSON.parse(packed) as [{ filename: string; files: Array<{ path: string }> }];
    const tarball = join(work, info.filename);
    const consumerDir = join(work, "consumer");
    mkdirSync(join(consumerDir, "examples"), { recursive: true });
    writeFileSync(
      join(consumerDir, "package.json"),
      `${JSON.stringify({ name: "consumer", private: true, type: "module" }, null, 2)}\n`,
    );
    npm(["install", "--offline", "--no-audit", "--no-fund", tarball], consumerDir);
    for (const name of ["host.js", "scenario.js", "page.html", "types-probe.ts"]) {
      copyFileSync(join(ROOT, "test/runtimes", name), join(consumerDir, name));
    }
    for (const name of [
      "node.ts",
      "deno.ts",
      "bun.ts",
      "worker.ts",
      "hub-worker.ts",
      "hub-node.ts",
    ]) {
      copyFileSync(join(ROOT, "examples", name), join(consumerDir, "examples", name));
    }
    return {
      tarball,
      files: info.files.map((f) => f.path).sort(),
      consumerDir,
      dispose: () => rmSync(work, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
}

/**
 * The environment for an npm started from a test. Under `npm test` the environment carries
 * the outer npm's settings (npm_config_local_prefix = this repository, …); a nested npm must
 * see none of them, or it could install here.
 *
 * @example
 * ```ts
 * spawn("npm", ["ci"], { cwd: join(ROOT, "test/runtimes/node22"), env: nestedNpmEnv() });
 * ```
 */
export function nestedNpmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.toLowerCase().startsWith("npm_")) env[name] = value;
  }
  env.npm_config_update_notifier = "false";
  env.npm_config_loglevel = "error";
  return env;
}

function npm(args: string[], cwd: string): string {
  const result = spawnSync("npm", args, { cwd, encoding: "utf8", env: nestedNpmEnv() });
  if (result.status !== 0) {
    throw new Error(`npm ${args.join(" ")} failed (${result.status}):\n${result.stderr}`);
  }
  return result.stdout;
}
