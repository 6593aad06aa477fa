import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./prepare-package";
import { runChild } from "./run-child";
import { DENO, denoEnv } from "./runtime-env";

const read = (file: string) => JSON.parse(readFileSync(join(ROOT, file), "utf8"));
const pkg = read("package.json") as {
  version: string;
  license: string;
  exports: Record<string, { types: string; import: string } | string>;
};
const jsr = read("jsr.json") as {
  name: string;
  version: string;
  license: string;
  exports: Record<string, string>;
};

/** package.json's subpaths that are modules (not "./package.json"), with their built file. */
const npmEntries = Object.fromEntries(
  Object.entries(pkg.exports).flatMap(([subpath, target]) =>
    typeof target === "object" ? [[subpath, target]] : [],
  ),
);

describe("jsr.json mirrors package.json", () => {
  it("has the same version and license under a scoped name", () => {
    expect(jsr.name).toMatch(/^@[a-z0-9-]+\/[a-z0-9-]+$/);
    expect(jsr.version).toBe(pkg.version);
    expect(jsr.license).toBe(pkg.license);
  });

  it("exports the same subpaths, each the source of the file npm users get", () => {
    expect(Object.keys(jsr.exports).sort()).toEqual(Object.keys(npmEntries).sort());
    for (const [subpath, source] of Object.entries(jsr.exports)) {
      const built = source.replace(/^\.\/src\//, "./dist/").replace(/\.ts$/, ".js");
      expect(npmEntries[subpath], subpath).toEqual({
        types: built.replace(/\.js$/, ".d.ts"),
        import: built,
      });
      expect(existsSync(join(ROOT, source)), source).toBe(true);
    }
  });

  it("passes `deno publish --dry-run` (offline) without publishing tests", async () => {
    // --allow-slow-types until every exported class field has an explicit type (JSR "slow
    // types"; without the flag, `deno publish --dry-run` lists them).
    const run = await runChild(
      [DENO, "publish", "--dry-run", "--allow-dirty", "--allow-slow-types"],
      { cwd: ROOT, env: denoEnv(), timeoutMs: 30_000 },
    );
    expect(run.stderr + run.stdout).toContain("Success Dry run complete");
    expect(run.stdout + run.stderr).not.toMatch(/\.test\.ts/);
    expect(run.code).toBe(0);
  }, 30_000);
});
