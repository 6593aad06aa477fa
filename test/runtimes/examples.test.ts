import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startLocalHub } from "../../examples/hub-local";
import { embeddedExamples } from "../../scripts/embed-examples";
import type { HubSnapshot } from "../../src/protocol";
import { node22 } from "./node22";
import { ROOT } from "./prepare-package";
import { runChild } from "./run-child";
import { BUN, DENO, DENO_RUN, denoEnv } from "./runtime-env";
import { startUpstreamServer, type UpstreamServer } from "./upstream-server";

const TSX = join(ROOT, "node_modules/.bin/tsx");

/**
 * The examples in the README and docs/ are these files, byte for byte (see "embedding" below),
 * and each one runs here from the project that installed the tarball. The Worker examples run
 * in workerd (test/runtimes/worker/scenario.test.ts, test/runtimes/hub-worker.test.ts).
 */
describe("examples run against a local upstream", () => {
  let server: UpstreamServer;
  beforeAll(async () => {
    server = await startUpstreamServer();
  });
  afterAll(() => server?.close());

  const run = async (command: string[], env: NodeJS.ProcessEnv = process.env) => {
    const { consumerDir } = inject("runtimePackage");
    const result = await runChild(command, {
      cwd: consumerDir,
      env: { ...env, UPSTREAMS: server.base },
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    return result.stdout;
  };

  it("examples/node.ts on Node 20 (through tsx)", async () => {
    expect(await run([TSX, "examples/node.ts"])).toMatch(/^200 \{ path: '\/v1\/users\/42' \}/);
  });

  it("examples/node.ts on Node 22 (type stripping)", async () => {
    expect(await run([node22(), "examples/node.ts"])).toMatch(/^200 \{ path: '\/v1\/users\/42' \}/);
  });

  it("examples/deno.ts on Deno", async () => {
    const out = await run([DENO, ...DENO_RUN, "examples/deno.ts"], denoEnv());
    expect(out).toMatch(/^200 \{ path: "\/v1\/users\/42" \}/);
  });

  it("examples/deno.ts type-checks with Deno's own types", async () => {
    await run([DENO, "check", "--quiet", "examples/deno.ts"], denoEnv());
  });

  it("examples/hub-node.ts on Node 20 against a local hub", async () => {
    const hub = await startLocalHub();
    try {
      const put = await fetch(`${hub.url}/v1/services/payments/config`, {
        method: "PUT",
        headers: {
          authorization: `Bearer ${hub.tokens.admin}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ upstreams: [server.base] }),
      });
      expect(put.status).toBe(201);
      const out = await run([TSX, "examples/hub-node.ts"], {
        ...process.env,
        HUB_URL: hub.url,
        HUB_SERVICE: "payments",
        HUB_REPORT_TOKEN: hub.tokens.report,
      });
      expect(out).toMatch(
        /^200 \{ path: '\/v1\/users\/42' \}\n\[ '.+: (up|unknown|no verdict)' \]\n$/,
      );
      // close() sent the last report: the hub counts the call from the example's colo, once
      // the location's relay has flushed and the snapshot shows it (a few seconds at most).
      const fra = async () =>
        (
          (await (
            await fetch(`${hub.url}/v1/services/payments/health`, {
              headers: { authorization: `Bearer ${hub.tokens.read}` },
            })
          ).json()) as HubSnapshot
        ).upstreams[0]!.locations["fra-dc1"];
      for (let i = 0; i < 100 && (await fra())?.calls !== 1; i++) await sleep(100);
      expect(await fra()).toMatchObject({ calls: 1 });
    } finally {
      await hub.stop();
    }
  }, 30_000);

  it("examples/bun.ts on Bun", async () => {
    expect(await run([BUN, "examples/bun.ts"])).toMatch(/^\[ 200, 200 \] \[ 2 \]/);
  });
});

/**
 * The Markdown that embeds example files: the README (the Worker with hub sync) and the pages
 * under docs/ (runtimes.md: one example per runtime; hub-sync.md: hub sync in Node).
 */
function markdownWithExamples(): { file: string; text: string }[] {
  const docs = readdirSync(join(ROOT, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`);
  return ["README.md", ...docs].map((file) => ({
    file,
    text: readFileSync(join(ROOT, file), "utf8"),
  }));
}

describe("README and docs embedding", () => {
  it("shows each example file verbatim after its <!-- example: path --> marker", () => {
    const pages = markdownWithExamples();
    const embedded = pages.flatMap(({ text }) => embeddedExamples(text).map((b) => b.path));
    expect(embedded).toEqual(
      expect.arrayContaining([
        "examples/worker.ts",
        "examples/node.ts",
        "examples/deno.ts",
        "examples/bun.ts",
        "examples/hub-worker.ts",
        "examples/hub-node.ts",
      ]),
    );
    for (const { file, text } of pages) {
      for (const { path, code } of embeddedExamples(text)) {
        // `npx tsx scripts/embed-examples.ts README.md docs/*.md` rewrites the blocks from the files.
        expect(code, `${file}: ${path}`).toBe(readFileSync(join(ROOT, path), "utf8"));
      }
    }
  });
});
