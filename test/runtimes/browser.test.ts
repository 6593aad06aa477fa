import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, inject } from "vitest";
import { launchChromium } from "./chromium";
import { type ScenarioResult, scenarioTests } from "./scenario-tests";
import { startUpstreamServer, type UpstreamServer } from "./upstream-server";

describe("Chromium: a page loads the installed package and runs the shared scenario", () => {
  let server: UpstreamServer;
  let browser: Browser | undefined;
  let result: ScenarioResult;

  beforeAll(async () => {
    const { consumerDir } = inject("runtimePackage");
    // The page, the scenario and the package come from the upstream server itself, so the
    // page's origin is the live upstream's (the dead one is another origin: CORS applies).
    server = await startUpstreamServer([
      { prefix: "/pkg/", dir: join(consumerDir, "node_modules/resilient-fetch") },
      { prefix: "/runtime/", dir: consumerDir },
    ]);
    browser = await launchChromium();
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    const env = JSON.stringify({ runtime: "chromium", base: server.base, dead: server.dead });
    await page.goto(`${server.base}/runtime/page.html?env=${encodeURIComponent(env)}`);
    const hasScenario = await page.evaluate(() => "scenario" in window);
    if (!hasScenario)
      throw new Error(`the page did not start the scenario: ${problems.join("; ")}`);
    result = await page.evaluate(
      () => (window as unknown as { scenario: ScenarioResult }).scenario,
    );
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  scenarioTests(
    () => result,
    () => server,
  );
});
