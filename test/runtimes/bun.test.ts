import { afterAll, beforeAll, describe, inject } from "vitest";
import { runHost } from "./run-host";
import { BUN } from "./runtime-env";
import { type ScenarioResult, scenarioTests } from "./scenario-tests";
import { startUpstreamServer, type UpstreamServer } from "./upstream-server";

describe("Bun: the installed package runs the shared scenario", () => {
  let server: UpstreamServer;
  let result: ScenarioResult;

  beforeAll(async () => {
    server = await startUpstreamServer();
    const { consumerDir } = inject("runtimePackage");
    result = await runHost("bun", [BUN, "host.js"], server, consumerDir);
  }, 30_000);
  afterAll(() => server?.close());

  scenarioTests(
    () => result,
    () => server,
  );
});
