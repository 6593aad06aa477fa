import { DOM_JS } from "./dom";
import { FORMAT_JS } from "./format";
import { GRID_JS } from "./grid";
import { MAIN_JS } from "./main";
import { MODEL_JS } from "./model";
import { SPARKLINE_JS } from "./sparkline";
import { TABLES_JS } from "./tables";
import { TIMELINE_JS } from "./timeline";

/**
 * The dashboard's browser modules by file name, each served as is at `/dashboard/<name>`
 * (plain JavaScript modules: no build step, the browser resolves their `./x.js` imports
 * against that path). Kept as strings in TypeScript files so that wrangler, the local hub's
 * esbuild and the Workers test pool all bundle them the same way, with no loader rules.
 *
 * @example
 * ```ts
 * const code = DASHBOARD_SCRIPTS.get("main.js"); // the entry the page loads
 * ```
 */
export const DASHBOARD_SCRIPTS: ReadonlyMap<string, string> = new Map([
  ["main.js", MAIN_JS],
  ["model.js", MODEL_JS],
  ["format.js", FORMAT_JS],
  ["dom.js", DOM_JS],
  ["tables.js", TABLES_JS],
  ["sparkline.js", SPARKLINE_JS],
  ["grid.js", GRID_JS],
  ["timeline.js", TIMELINE_JS],
]);
