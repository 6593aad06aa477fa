import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalHub } from "../../examples/hub-local";
import { startWranglerHub } from "../../examples/hub-wrangler";
import type { HubSnapshot } from "../../src/protocol";
import { ROOT } from "./prepare-package";

const run = promisify(execFile);
const WRANGLER = join(ROOT, "node_modules/.bin/wrangler");

// The hub as people ship and run it: wrangler bundles it for deploy (offline dry run) and
// serves it with `wrangler dev` on the local Durable Object store.
describe("the hub under wrangler", () => {
  it("bundles for `wrangler deploy` with the HealthHub Durable Object bound", async () => {
    const outdir = await mkdtemp(join(tmpdir(), "resilient-fetch-deploy-"));
    try {
      const { stdout } = await run(WRANGLER, ["deploy", "--dry-run", "--outdir", outdir], {
        cwd: ROOT,
        env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" },
      });
      expect(stdout).toMatch(/env\.HUB \(HealthHub\)\s+Durable Object/);
      const bundle = await readFile(join(outdir, "index.js"), "utf8");
      expect(bundle).toContain("HealthHub");
    } finally {
      await rm(outdir, { recursive: true, force: true });
    }
  });

  describe("wrangler dev", () => {
    let hub: LocalHub;
    const auth = (token: string) => ({
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
    });

    beforeAll(async () => {
      hub = await startWranglerHub();
    }, 60_000);
    afterAll(() => hub?.stop());

    it("serves the API and the dashboard, with state in its Durable Object", async () => {
      const service = `${hub.url}/v1/services/wrangler-dev`;
      const config = await fetch(`${service}/config`, {
        method: "PUT",
        headers: auth(hub.tokens.admin),
        // A port nothing listens on: heartbeats fail fast and stay on loopback.
        body: JSON.stringify({
          upstreams: ["http://127.0.0.1:9/a"],
          heartbeat: { interval: 60_000 },
        }),
      });
      expect(config.status).toBe(201);
      const refused = await fetch(`${service}/config`, {
        method: "PUT",
        headers: auth(hub.tokens.read),
        body: "{}",
      });
      expect(refused.status).toBe(403);
      const health = await fetch(`${service}/health`, { headers: auth(hub.tokens.read) });
      expect(health.status).toBe(200);
      const snapshot = (await health.json()) as HubSnapshot;
      expect(snapshot.upstreams.map((u) => u.url)).toEqual(["http://127.0.0.1:9/a"]);
      const page = await fetch(`${hub.url}/dashboard`);
      expect(page.headers.get("content-type")).toContain("text/html");
    });
  });
});
