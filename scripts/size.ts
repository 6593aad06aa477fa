import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

/** What the client costs an application that bundles it. */
export interface ClientSize {
  /** Minified bytes of everything `createClient` pulls in. */
  minified: number;
  /** The same, gzipped (level 9). */
  gzipped: number;
}

/** Issue 7's target for {@link ClientSize.gzipped}: 10 KB. */
export const SIZE_TARGET = 10 * 1024;

/**
 * The hard limit that the size test enforces: just above the 15.6 KB measured after the
 * last correctness fixes (a long-lived caller signal keeps no listener per call; buffering a
 * body honours abort and deadline), from 15.3 KB once option validation was one table-driven
 * module and the classes used `#private` members, and 17.3 KB before that. {@link SIZE_TARGET} is out of reach without dropping features: what each part adds
 * (min+gzip, measured by leaving it out of the bundle) is about 4.1 KB for the client, pipeline,
 * calls, attempts and upstreams, 1.7 KB option validation, 1.4 KB circuit breaker, 1.4 KB
 * retry, 1.25 KB hedging, 1.2 KB fleet, 0.86 KB outlier ejection, 0.84 KB balancers and peak
 * EWMA, 0.74 KB latency histogram, 0.7 KB shared timers, 0.35 KB typed errors and 0.29 KB
 * availability figures. This limit stops further growth; lower it as the client shrinks.
 */
export const SIZE_LIMIT = 15.75 * 1024;

/**
 * Bundles `export { createClient } from "./src/index.ts"` the way an application's bundler
 * would (ESM, minified, tree-shaken, no platform built-ins) and measures it.
 *
 * @example
 * ```ts
 * const { gzipped } = await measureClientSize(process.cwd()); // e.g. 7_912
 * ```
 */
export async function measureClientSize(root: string): Promise<ClientSize> {
  const result = await build({
    stdin: {
      contents: 'export { createClient } from "./src/index.ts";',
      resolveDir: root,
      sourcefile: "size-entry.ts",
      loader: "ts",
    },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  const code = result.outputFiles[0]!.contents;
  return { minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const size = await measureClientSize(process.cwd());
  console.log(
    `createClient: ${kb(size.minified)} minified, ${kb(size.gzipped)} min+gzip ` +
      `(${size.gzipped} bytes; target ${kb(SIZE_TARGET)}, limit ${kb(SIZE_LIMIT)})`,
  );
  if (size.gzipped > SIZE_LIMIT) process.exitCode = 1;
}
