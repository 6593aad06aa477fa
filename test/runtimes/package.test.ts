import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { ROOT } from "./prepare-package";
import { runChild } from "./run-child";
import { DENO, denoEnv } from "./runtime-env";

interface ExportTarget {
  types: string;
  import: string;
}
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  exports: Record<string, ExportTarget | string>;
};
/** The public subpaths (".", "./testing", …) and the src module each is built from. */
const ENTRIES = Object.entries(pkg.exports)
  .filter((entry): entry is [string, ExportTarget] => typeof entry[1] === "object")
  .map(([subpath, target]) => ({
    subpath,
    specifier: `resilient-fetch${subpath.slice(1)}`,
    target,
    source: target.import.replace(/^\.\/dist\//, "src/").replace(/\.js$/, ".ts"),
  }));
const TSC = createRequire(join(ROOT, "package.json")).resolve("typescript/bin/tsc");

describe("the npm package (npm pack, installed offline into a fresh project)", () => {
  it("holds the built files, package.json and docs only: no sources, tests or hub bundle", () => {
    const { files } = inject("runtimePackage");
    const stray = files.filter(
      (file) =>
        !/^(package\.json|README\.md|LICENSE(\.md)?)$/.test(file) &&
        !/^dist\/.+\.(js|d\.ts)$/.test(file),
    );
    expect(stray).toEqual([]);
    expect(files.filter((file) => /\.test\.|^dist\/worker\//.test(file))).toEqual([]);
    for (const { target } of ENTRIES) {
      expect(files).toContain(target.import.slice(2));
      expect(files).toContain(target.types.slice(2));
    }
    // Every module ships with its declarations.
    const js = files.filter((file) => file.endsWith(".js"));
    expect(js.filter((file) => !files.includes(file.replace(/\.js$/, ".d.ts")))).toEqual([]);
  });

  it("imports every export from a fresh project in Node, with the same names as src", async () => {
    const { consumerDir } = inject("runtimePackage");
    const specifiers = ENTRIES.map((e) => e.specifier);
    const script = `
      const out = {};
      for (const s of ${JSON.stringify(specifiers)}) out[s] = Object.keys(await import(s)).sort();
      console.log(JSON.stringify(out));`;
    const run = await runChild([process.execPath, "--input-type=module", "-e", script], {
      cwd: consumerDir,
    });
    expect(run.stderr).toBe("");
    const loaded = JSON.parse(run.stdout) as Record<string, string[]>;
    for (const entry of ENTRIES) {
      const source = (await import(join(ROOT, entry.source))) as object;
      expect(loaded[entry.specifier], entry.specifier).toEqual(Object.keys(source).sort());
    }
  });

  it.each(["NodeNext", "Bundler"])(
    "type-checks for users on moduleResolution %s, .d.ts files included, without Node types",
    async (resolution) => {
      const { consumerDir } = inject("runtimePackage");
      const config = join(consumerDir, `tsconfig.${resolution.toLowerCase()}.json`);
      writeFileSync(
        config,
        JSON.stringify({
          compilerOptions: {
            target: "ES2022",
            module: resolution === "NodeNext" ? "NodeNext" : "ESNext",
            moduleResolution: resolution,
            lib: ["ES2022", "DOM"],
            types: [],
            strict: true,
            noEmit: true,
            // Checks the package's .d.ts files, not TypeScript's own lib files (4 s → 1 s).
            skipLibCheck: false,
            skipDefaultLibCheck: true,
          },
          files: ["types-probe.ts"],
        }),
      );
      const run = await runChild([process.execPath, TSC, "-p", config], { cwd: consumerDir });
      expect(run.stdout + run.stderr).toBe("");
      expect(run.code).toBe(0);
    },
  );

  it("type-checks for Deno users (deno check, through node_modules)", async () => {
    const { consumerDir } = inject("runtimePackage");
    const run = await runChild([DENO, "check", "types-probe.ts"], {
      cwd: consumerDir,
      env: denoEnv(),
    });
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
  });
});
