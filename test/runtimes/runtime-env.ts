import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./prepare-package";

/** The Deno and Bun binaries of the `deno` and `bun` npm packages. */
export const DENO = join(ROOT, "node_modules/.bin/deno");
export const BUN = join(ROOT, "node_modules/.bin/bun");

/** Offline Deno: its cache inside node_modules/.cache, no update check, no prompts. */
export function denoEnv(): NodeJS.ProcessEnv {
  const dir = join(ROOT, "node_modules/.cache/deno");
  mkdirSync(dir, { recursive: true });
  return { ...process.env, DENO_DIR: dir, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };
}

/** The flags every `deno run` here gets: network to 127.0.0.1 only. */
export const DENO_RUN = ["run", "--allow-net=127.0.0.1", "--allow-env", "--no-prompt"];
