// Runs the shared scenario in Node, Deno or Bun and prints its JSON result on stdout.
// It is copied into a temporary project that installed the packed tarball, so the bare
// `resilient-fetch` import resolves through that project's node_modules, as for a user.
// Usage: <runtime> host.js '{"runtime":"deno","base":"http://127.0.0.1:…","dead":"…"}'
import * as lib from "resilient-fetch";
import * as testing from "resilient-fetch/testing";
import { runScenario } from "./scenario.js";

const args = globalThis.Deno?.args ?? globalThis.process.argv.slice(2);
const result = await runScenario(lib, JSON.parse(args[0]));
result.testingExports = Object.keys(testing).sort();
console.log(JSON.stringify(result));
