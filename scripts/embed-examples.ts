import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * In Markdown, a code block right after `<!-- example: examples/node.ts -->` is that file,
 * verbatim. The README and docs/*.md embed every runtime example this way, and a test checks
 * the blocks still equal the files, so the examples in the docs are the ones the tests run.
 */
export const EXAMPLE_BLOCK = /(<!-- example: (\S+) -->\s*```ts\n)([\s\S]*?)```/g;

/** One embedded example: the file it names and the code the Markdown shows for it. */
export interface EmbeddedExample {
  path: string;
  code: string;
}

/**
 * Lists the embedded examples of a Markdown text.
 *
 * @example
 * ```ts
 * embeddedExamples(readFileSync("README.md", "utf8")); // → [{ path: "examples/node.ts", code }]
 * ```
 */
export function embeddedExamples(markdown: string): EmbeddedExample[] {
  return [...markdown.matchAll(EXAMPLE_BLOCK)].map((m) => ({ path: m[2]!, code: m[3]! }));
}

/**
 * Rewrites every embedded example of a Markdown file from its file (paths relative to `root`).
 * `tsx scripts/embed-examples.ts README.md docs/*.md` after editing an example.
 */
export function embedExamples(markdownFile: string, root: string): void {
  const text = readFileSync(markdownFile, "utf8");
  const updated = text.replace(EXAMPLE_BLOCK, (_, head: string, path: string) => {
    return `${head}${readFileSync(join(root, path), "utf8")}\`\`\``;
  });
  if (updated !== text) writeFileSync(markdownFile, updated);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const file of process.argv.slice(2)) embedExamples(file, process.cwd());
}
