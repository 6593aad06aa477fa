// Types of scenario.js (plain JS, so that every runtime loads the same file untranspiled).
import type { ScenarioResult } from "./scenario-tests";

/** The local upstreams a scenario run calls, and the runtime's name for its keys. */
export interface ScenarioEnv {
  runtime: string;
  base: string;
  dead: string;
}

/** One case: observations as plain JSON. */
export type ScenarioCase = (lib: object, env: ScenarioEnv) => Promise<Record<string, unknown>>;

/** The cases, in the order they run. */
export declare const CASES: Record<string, ScenarioCase>;

/** Runs every case against the package's main module `lib`. */
export declare function runScenario(lib: object, env: ScenarioEnv): Promise<ScenarioResult>;
