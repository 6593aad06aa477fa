import { defineConfig } from "vitest/config";

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
        },
      },
    ],
  },
});
