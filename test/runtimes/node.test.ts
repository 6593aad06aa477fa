import { afterAll, beforeAll, describe, inject } from "vitest";
import { node22 } from "./node22";
import { runHost } from "./run-host";
import { type ScenarioResult, scenarioTests } from "./scenario-tests";
import { startUpstreamServer, type UpstreamServer } from "./upstream-server";

// Node 22 comes from the e2e setup; when it cannot be had, every Node 22 test fails saying how
// to get it (never a skip).
describe.each([
  { name: "Node 20", node: () => process.execPath },
  { name: "Node 22", node: node22 },
])("$name: the installed package runs the shared scenario", ({ name, node }) => {
  let server: UpstreamServer;
  let result: ScenarioResult;

  beforeAll(async () => {
    server = await startUpstreamServer();
    const { consumerDir } = inject("runtimePackage");
    result = await runHost(name, [node(), "host.js"], server, consumerDir);
  }, 30_000);
  afterAll(() => server?.close());

  scenarioTests(
    () => result,
    () => server,
  );
});
