import { spawnSync } from "node:child_process";
import { readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { addJsExtensions } from "./add-js-extensions";

/**
 * `npm run build`: the package's ESM build with declarations, into `dist/`.
 *
 * 1. empties `dist/` (keeping `dist/worker/`, the hub bundle `wrangler deploy --dry-run` writes),
 *    so files of deleted modules are never published;
 * 2. `tsc -p tsconfig.build.json` (ES2022 modules + `.d.ts`, tests excluded);
 * 3. adds `.js` to every relative import (see add-js-extensions.ts).
 *
 * Throws on a type error or an unresolvable import.
 *
 * @example
 * ```ts
 * build(process.cwd()); // → dist/index.js, dist/index.d.ts, dist/testing/index.js, dist/hub/index.js, …
 * ```
 */
export function build(root: string): void {
  const dist = join(root, "dist");
  for (const name of safeReaddir(dist)) {
    if (name !== "worker") rmSync(join(dist, name), { recursive: true, force: true });
  }
  const tsc = createRequire(join(root, "package.json")).resolve("typescript/bin/tsc");
  const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], {
    cwd: root,
    encoding: "utf8",
  });
  if (result.status !== 0) {
    throw new Error(`tsc -p tsconfig.build.json failed:\n${result.stdout}${result.stderr}`);
  }
  addJsExtensions(dist);
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    build(process.cwd());
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
