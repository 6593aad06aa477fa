import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Tests reach loopback only. For everything vitest starts (Miniflare, `wrangler dev`, Deno):
// no wrangler telemetry, no download of Cloudflare's `cf` object, no Deno update check.
process.env.WRANGLER_SEND_METRICS = "false";
process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
process.env.DENO_NO_UPDATE_CHECK = "1";

/** The hub Worker in the Workers pool, with the test tokens and `vars`. */
function hubWorker(vars: Record<string, string>) {
  return cloudflareTest({
    main: "./worker/index.ts",
    wrangler: { configPath: "./wrangler.toml" },
    miniflare: {
      bindings: {
        HUB_READ_TOKEN: "test-read",
        HUB_REPORT_TOKEN: "test-report",
        HUB_ADMIN_TOKEN: "test-admin",
        // Every test's upstreams are on 127.0.0.1.
        ALLOW_PRIVATE_UPSTREAMS: "true",
        ...vars,
      },
    },
  });
}

// One project per environment. The hub's Workers-pool project and the runtime (e2e)
// project are added next to "node" by the issues that bring them.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "node",
          include: ["src/**/*.test.ts", "test/node/**/*.test.ts"],
          environment: "node",
          // The client chaos suite's calls per mode and seed: a short run in `npm test`, a
          // long one in `npm run test:chaos` (CHAOS_RUNS), replayable with CHAOS_SEED.
          provide: {
            chaos: {
              runs: Number(process.env.CHAOS_RUNS ?? 200),
              seed: Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31)),
            },
          },
        },
      },
      {
        // The health hub in workerd: its routes, Durable Object, alarm and WebSockets.
        // globalSetup starts local upstreams in Node; the hub's heartbeats reach them.
        // The location layer is off here (every read and report reaches the service's
        // object at once), so these tests see each change as it happens.
        plugins: [hubWorker({ HUB_SNAPSHOT_CACHE_MS: "0", HUB_RELAY_FLUSH_MS: "0" })],
        test: {
          name: "workers",
          include: ["test/worker/**/*.test.ts"],
          exclude: ["test/worker/scale/**"],
          globalSetup: ["test/worker/global-setup.ts"],
          // The abuse suite's size and seed: a short run in `npm test`, a long one in
          // `npm run test:chaos` (ABUSE_RUNS), replayable with ABUSE_SEED.
          provide: {
            abuse: {
              runs: Number(process.env.ABUSE_RUNS ?? 1_000),
              seed: Number(process.env.ABUSE_SEED ?? Math.floor(Math.random() * 2 ** 31)),
            },
          },
        },
      },
      {
        // The location layer (snapshot copies, lease slots, relays) in workerd. Both
        // intervals are a minute, so nothing expires or flushes on its own during a test:
        // the tests flush relays with runDurableObjectAlarm and age copies on a manual clock.
        plugins: [hubWorker({ HUB_SNAPSHOT_CACHE_MS: "60000", HUB_RELAY_FLUSH_MS: "60000" })],
        test: {
          name: "workers-scale",
          include: ["test/worker/scale/**/*.test.ts"],
          globalSetup: ["test/worker/global-setup.ts"],
        },
      },
      {
        // The packaged client in Node 20/22, Deno, Bun and Chromium (one shared scenario
        // against local upstreams), the npm tarball, jsr.json, bundle size, the examples in README.md and docs/.
        // globalSetup builds dist/, packs it and installs the tarball into a temp project.
        test: {
          name: "e2e",
          include: ["test/runtimes/**/*.test.ts"],
          exclude: ["test/runtimes/worker/**"],
          environment: "node",
          globalSetup: ["test/runtimes/global-setup.ts"],
          testTimeout: 20_000,
          hookTimeout: 40_000,
        },
      },
      {
        // The same scenario from a Worker's fetch handler in workerd (the built package).
        plugins: [
          cloudflareTest({
            main: "./test/runtimes/worker/index.ts",
            wrangler: { configPath: "./test/runtimes/worker/wrangler.toml" },
          }),
        ],
        test: {
          name: "e2e-workerd",
          include: ["test/runtimes/worker/**/*.test.ts"],
          globalSetup: ["test/runtimes/worker/global-setup.ts"],
        },
      },
    ],
  },
});

declare module "vitest" {
  export interface ProvidedContext {
    /** Requests per endpoint and the seed of the hub abuse suite (test/worker/abuse.test.ts). */
    abuse: { runs: number; seed: number };
    /** Calls per fault mode and the seed of the client chaos suite (test/node/chaos/). */
    chaos: { runs: number; seed: number };
  }
}
