import { runChild } from "./run-child";
import type { ScenarioResult } from "./scenario-tests";
import type { RuntimeUpstreams } from "./upstream-server";

/**
 * Runs host.js (the shared scenario) in a runtime, from the temporary project that installed
 * the packed tarball, and returns the scenario's JSON result. Throws with the runtime's stderr
 * when it exits badly or prints no result.
 *
 * @example
 * ```ts
 * const result = await runHost("bun", [BUN, "host.js"], upstreams, consumerDir);
 * ```
 */
export async function runHost(
  runtime: string,
  command: readonly string[],
  upstreams: RuntimeUpstreams,
  cwd: string,
  env?: NodeJS.ProcessEnv,
): Promise<ScenarioResult> {
  const arg = JSON.stringify({ runtime, base: upstreams.base, dead: upstreams.dead });
  const run = await runChild([...command, arg], { cwd, env });
  const line = run.stdout.trim().split("\n").at(-1) ?? "";
  if (run.code !== 0 || !line.startsWith("{")) {
    const output = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
    throw new Error(`${runtime} exited with ${run.code ?? run.signal}\n${output}`);
  }
  return JSON.parse(line) as ScenarioResult;
}
