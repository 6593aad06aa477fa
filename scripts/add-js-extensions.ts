import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/**
 * `src/` imports without extensions (`./clock`, moduleResolution "Bundler"), and `tsc` keeps
 * specifiers as written. Node, Deno and browsers need the full path (`./clock.js`,
 * `./balancer/index.js`), and so do TypeScript users on `moduleResolution: "NodeNext"`, whose
 * compiler would otherwise read the `.d.ts` imports as unresolved and type them `any`. This
 * rewrites every relative specifier in the emitted `.js` and `.d.ts` files, and fails when one
 * points at nothing, so a broken build cannot be published.
 */

// `from "./x"`, `import "./x"`, `import("./x")` (also in .d.ts type positions).
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])(\.{1,2}\/[^"'\n]*)\2/g;
const KEEP = /\.(?:m?js|json)$/;

/**
 * Rewrites the relative import specifiers of one emitted file's text.
 *
 * @example
 * ```ts
 * rewriteSpecifiers('export { a } from "./a";', "/pkg/dist/index.js"); // → './a.js'
 * ```
 */
export function rewriteSpecifiers(text: string, file: string): string {
  const dir = dirname(file);
  return text.replace(SPECIFIER, (match, head: string, quote: string, specifier: string) => {
    if (KEEP.test(specifier)) return match;
    const target = resolve(dir, specifier);
    let fixed: string;
    if (existsSync(`${target}.js`)) fixed = `${specifier}.js`;
    else if (existsSync(join(target, "index.js")))
      fixed = `${specifier.replace(/\/$/, "")}/index.js`;
    else throw new Error(`${file}: cannot resolve "${specifier}" to a .js file`);
    return `${head}${quote}${fixed}${quote}`;
  });
}

/** Rewrites every `.js` and `.d.ts` file under `root`; returns how many changed. */
export function addJsExtensions(root: string): number {
  let changed = 0;
  for (const name of readdirSync(root)) {
    const path = join(root, name);
    if (statSync(path).isDirectory()) {
      changed += addJsExtensions(path);
    } else if (name.endsWith(".js") || name.endsWith(".d.ts")) {
      const before = readFileSync(path, "utf8");
      const after = rewriteSpecifiers(before, path);
      if (after !== before) {
        writeFileSync(path, after);
        changed++;
      }
    }
  }
  return changed;
}
