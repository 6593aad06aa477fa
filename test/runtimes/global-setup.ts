// Brings "vitest" into scope so the ProvidedContext augmentation below applies.
import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { findOrInstallNode22 } from "./node22";
import { type PreparedPackage, preparePackage } from "./prepare-package";

/**
 * The "e2e" project's setup, in vitest's main process: builds dist/ once, packs it and
 * installs the tarball into a temporary project that every runtime test then uses; finds
 * Node 22, installing it from the registry on first use (test/runtimes/node22.ts).
 */
export default async function setup(project: TestProject): Promise<() => void> {
  // Installing Node 22 (first run only) is a child process: it overlaps the build.
  const node22 = findOrInstallNode22();
  const { dispose, ...prepared } = await preparePackage();
  project.provide("runtimePackage", prepared);
  project.provide("node22", await node22);
  return dispose;
}

declare module "vitest" {
  export interface ProvidedContext {
    runtimePackage: PreparedPackage;
  }
}
