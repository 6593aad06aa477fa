import { afterAll, beforeAll, describe, inject } from "vitest";
import { runHost } from "./run-host";
import { DENO, DENO_RUN, denoEnv } from "./runtime-env";
import { type ScenarioResult, scenarioTests } from "./scenario-tests";
import { startUpstreamServer, type UpstreamServer } from "./upstream-server";

describe("Deno: the installed package runs the shared scenario", () => {
  let server: UpstreamServer;
  let result: ScenarioResult;

  beforeAll(async () => {
    server = await startUpstreamServer();
    const { consumerDir } = inject("runtimePackage");
    result = await runHost("deno", [DENO, ...DENO_RUN, "host.js"], server, consumerDir, denoEnv());
  }, 30_000);
  afterAll(() => server?.close());

  scenarioTests(
    () => result,
    () => server,
  );
});
