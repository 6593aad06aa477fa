// Brings "vitest" into scope so the ProvidedContext augmentation below applies.
import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { buildOnce } from "../prepare-package";
import { type RuntimeUpstreams, startUpstreamServer } from "../upstream-server";

/**
 * The "e2e-workerd" project's setup, in Node: builds dist/ (once per run, shared with "e2e")
 * and starts the local upstream server that the Worker in workerd calls.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await buildOnce();
  const server = await startUpstreamServer();
  project.provide("workerdUpstreams", { base: server.base, dead: server.dead });
  return () => server.close();
}

declare module "vitest" {
  export interface ProvidedContext {
    workerdUpstreams: RuntimeUpstreams;
  }
}
