import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { printTable } from "../bench/table";

/** What a bundle costs an application that ships it. */
export interface BundleSize {
  /** Minified bytes of everything the entry pulls in. */
  minified: number;
  /** The same, gzipped (level 9). */
  gzipped: number;
}

/** A kilobyte here: 1,024 bytes, as the printed table and the limits count. */
export const KB = 1024;

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
  /**
   * The most this bundle may weigh, minified and gzipped, in bytes. `npm run size` exits
   * non-zero and the size test fails when a row is over its limit; rows without one are
   * printed for comparison only.
   */
  limit?: number;
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
export async function measureBundle(root: string, sizeCase: SizeCase): Promise<BundleSize> {
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
 * The rows `npm run size` prints, each measured on its own: what `createClient` weighs with
 * all its defaults and with optional parts left out, the layers composed by hand, and
 * cockatiel's closest equivalent for scale. The limits are issue 13's decision: every default
 * feature of `createClient` was asked for, so it is held at 16 KB; an application that wants
 * less composes the core layers itself, held at 6.5 KB. Issue 11 then allowed the `health`
 * plug-in point (hub sync) 0.3 KB more: it took 0.2 KB, and `createClient` is held at
 * 16.25 KB. Add a row (and its `limit`) per entry point.
 */
export const SIZE_CASES: SizeCase[] = [
  { name: "createClient (everything it uses)", entry: CLIENT_ENTRY, limit: 16.25 * KB },
  { name: "createClient without hedging", entry: CLIENT_ENTRY, stubs: NO_HEDGING },
  {
    name: "createClient without hedging and ejection",
    entry: CLIENT_ENTRY,
    stubs: { ...NO_HEDGING, ...NO_EJECTION },
  },
  {
    name: "compose(deadline, retry, timeout, transport)",
    entry: 'export { compose, deadline, retry, timeout, transport } from "./src/index.ts";',
    limit: 6.5 * KB,
  },
  {
    name: "the same + hedge layer",
    entry: 'export { compose, deadline, retry, hedge, timeout, transport } from "./src/index.ts";',
  },
  {
    name: "createClient + hubSync (resilient-fetch/hub)",
    entry: `${CLIENT_ENTRY} export { hubSync } from "./src/hub/index.ts";`,
  },
  {
    name: "cockatiel wrap(retry, circuitBreaker, timeout)",
    entry:
      'export { wrap, retry, circuitBreaker, timeout, handleAll, ExponentialBackoff, ConsecutiveBreaker, TimeoutStrategy } from "cockatiel";',
  },
];

/** One row of the size table, measured. */
export interface SizeRow extends SizeCase, BundleSize {
  /** Whether the row is within its limit (always, for a row without one). */
  withinLimit: boolean;
}

/**
 * Measures every row of {@link SIZE_CASES} (or the given cases) and checks each against its
 * limit.
 *
 * @example
 * ```ts
 * const rows = await measureSizes(process.cwd());
 * const over = rows.filter((row) => !row.withinLimit); // [] while every limit holds
 * ```
 */
export async function measureSizes(root: string, cases = SIZE_CASES): Promise<SizeRow[]> {
  const sizes = await Promise.all(cases.map((sizeCase) => measureBundle(root, sizeCase)));
  return cases.map((sizeCase, i) => {
    const size = sizes[i]!;
    const withinLimit = sizeCase.limit === undefined || size.gzipped <= sizeCase.limit;
    return { ...sizeCase, ...size, withinLimit };
  });
}

const kb = (bytes: number) => `${(bytes / KB).toFixed(1)} KB`;

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const rows = await measureSizes(process.cwd());
  printTable(
    ["bundle", "minified", "min+gzip", "bytes", "limit"],
    rows.map((row) => [
      row.name,
      kb(row.minified),
      kb(row.gzipped),
      row.gzipped,
      row.limit === undefined ? "" : `${kb(row.limit)}${row.withinLimit ? "" : " OVER"}`,
    ]),
  );
  const over = rows.filter((row) => !row.withinLimit);
  for (const row of over) {
    console.error(`\n${row.name}: ${row.gzipped} B min+gzip, over its limit of ${row.limit} B`);
  }
  if (over.length > 0) process.exitCode = 1;
}
