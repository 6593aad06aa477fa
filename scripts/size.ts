import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { printTable } from "../bench/table";

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
 * The hard limit that the size test enforces: DESIGN.md's budget for `createClient`, 16 KB.
 * It was 15.75 KB, just above the 15.6 KB measured after the earlier correctness fixes; the
 * recovery fixes of issue 12 (probes when an interval ends, one exclusion per failure streak,
 * slow start that thins picks for cost-based balancers, hedges kept apart from the primary)
 * brought it to 16.0 KB (16,374 bytes). {@link SIZE_TARGET} is out of reach while
 * `createClient` keeps the features DESIGN.md's API contract gives it: `npm run size` prints
 * what the client weighs with hedging and outlier ejection left out (retry with budget,
 * breaker, balancers, latency histogram, availability and validation are all on by
 * default), next to the layers composed by hand. This limit stops further growth; lower it
 * as the client shrinks.
 */
export const SIZE_LIMIT = 16 * 1024;

/** One way to use the package, bundled and measured by {@link measureBundle}. */
export interface SizeCase {
  /** What the row is called in the printed table. */
  name: string;
  /** The entry module, as an application would write it (paths relative to the root). */
  entry: string;
  /**
   * Modules replaced by the given source, to measure what a part costs by leaving it out.
   * Keys are paths relative to the root.
   */
  stubs?: Record<string, string>;
}

/**
 * Bundles an entry the way an application's bundler would (ESM, minified, tree-shaken, no
 * platform built-ins) and measures it.
 *
 * @example
 * ```ts
 * const { gzipped } = await measureBundle(process.cwd(), {
 *   name: "layers",
 *   entry: 'export { compose, retry } from "./src/index.ts";',
 * });
 * ```
 */
export async function measureBundle(root: string, sizeCase: SizeCase): Promise<ClientSize> {
  const stubs = new Map(
    Object.entries(sizeCase.stubs ?? {}).map(([path, source]) => [resolve(root, path), source]),
  );
  const result = await build({
    stdin: {
      contents: sizeCase.entry,
      resolveDir: root,
      sourcefile: "size-entry.ts",
      loader: "ts",
    },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    // For the comparison rows: CommonJS packages in node_modules.
    mainFields: ["module", "main"],
    target: "es2022",
    write: false,
    logLevel: "silent",
    plugins: [
      {
        name: "stubs",
        setup(on) {
          on.onLoad({ filter: /\.ts$/ }, ({ path }) => {
            const contents = stubs.get(path);
            return contents === undefined ? undefined : { contents, loader: "ts" };
          });
        },
      },
    ],
  });
  const code = result.outputFiles[0]!.contents;
  return { minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength };
}

const CLIENT_ENTRY = 'export { createClient } from "./src/index.ts";';

/** Leaving hedging out: the layer passes calls through and the option resolves to off. */
const NO_HEDGING = {
  "src/layers/hedge.ts": "export const hedgeResolved = () => (next: unknown) => next;",
  "src/hedge/hedge-options.ts": "export const resolveHedgeOptions = () => false;",
};
/** Leaving outlier ejection out: the option resolves to off, so no detector is built. */
const NO_EJECTION = {
  "src/guard/outlier-options.ts": "export const resolveOutlierOptions = () => false;",
  "src/guard/outlier-detector.ts": "export class OutlierDetector {}",
};

/**
 * The rows `npm run size` prints: the figure (everything `createClient` uses), the
 * same with optional parts left out (what a slimmer `createClient` would weigh), the layers
 * composed by hand, and cockatiel's closest equivalent for scale.
 */
export const SIZE_CASES: SizeCase[] = [
  { name: "createClient (everything it uses)", entry: CLIENT_ENTRY },
  { name: "createClient without hedging", entry: CLIENT_ENTRY, stubs: NO_HEDGING },
  {
    name: "createClient without hedging and ejection",
    entry: CLIENT_ENTRY,
    stubs: { ...NO_HEDGING, ...NO_EJECTION },
  },
  {
    name: "compose(deadline, retry, timeout, transport)",
    entry: 'export { compose, deadline, retry, timeout, transport } from "./src/index.ts";',
  },
  {
    name: "the same + hedge layer",
    entry: 'export { compose, deadline, retry, hedge, timeout, transport } from "./src/index.ts";',
  },
  {
    name: "cockatiel wrap(retry, circuitBreaker, timeout)",
    entry:
      'export { wrap, retry, circuitBreaker, timeout, handleAll, ExponentialBackoff, ConsecutiveBreaker, TimeoutStrategy } from "cockatiel";',
  },
];

/**
 * Measures everything `createClient` pulls in, the figure issue 7 sets a target for.
 *
 * @example
 * ```ts
 * const { gzipped } = await measureClientSize(process.cwd()); // e.g. 16_021
 * ```
 */
export function measureClientSize(root: string): Promise<ClientSize> {
  return measureBundle(root, SIZE_CASES[0]!);
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = process.cwd();
  const sizes = await Promise.all(SIZE_CASES.map((sizeCase) => measureBundle(root, sizeCase)));
  printTable(
    ["bundle", "minified", "min+gzip", "bytes"],
    SIZE_CASES.map((sizeCase, i) => [
      sizeCase.name,
      kb(sizes[i]!.minified),
      kb(sizes[i]!.gzipped),
      sizes[i]!.gzipped,
    ]),
  );
  const client = sizes[0]!;
  console.log(
    `\ncreateClient: ${kb(client.gzipped)} min+gzip (target ${kb(SIZE_TARGET)}, limit ${kb(SIZE_LIMIT)})`,
  );
  if (client.gzipped > SIZE_LIMIT) process.exitCode = 1;
}
