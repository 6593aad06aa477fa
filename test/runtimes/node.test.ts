import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, inject, it } from "vitest";
import { runHost } from "./run-host";
import { NODE22_CANDIDATES } from "./runtime-env";
import { type ScenarioResult, scenarioTests } from "./scenario-tests";
import { startUpstreamServer, type UpstreamServer } from "./upstream-server";

const node22 = NODE22_CANDIDATES.find((path) => existsSync(path));

describe.each([
  { name: "Node 20", node: process.execPath as string | undefined },
  { name: "Node 22", node: node22 },
])("$name: the installed package runs the shared scenario", ({ name, node }) => {
  if (node === undefined) {
    // In CI Node 22 is required (.ci/run installs it); locally it is optional.
    const missing = process.env.CI ? it : it.skip;
    missing(`needs a Node 22 binary (${NODE22_CANDIDATES.join(" or ")})`, () => {
      throw new Error(`${name} not found at ${NODE22_CANDIDATES.join(" or ")}`);
    });
    return;
  }
  let server: UpstreamServer;
  let result: ScenarioResult;

  beforeAll(async () => {
    server = await startUpstreamServer();
    const { consumerDir } = inject("runtimePackage");
    result = await runHost(name, [node, "host.js"], server, consumerDir);
  }, 30_000);
  afterAll(() => server?.close());

  scenarioTests(
    () => result,
    () => server,
  );
});
