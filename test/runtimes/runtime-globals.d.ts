// Just enough of Deno's and Bun's globals for examples/deno.ts and examples/bun.ts to
// type-check under the root tsconfig (Node + DOM types). The runtimes' own checkers see their
// real declarations (examples.test.ts runs `deno check` on the Deno example).
// tsconfig.build.json compiles src/ without this file, so src cannot come to depend on it.

declare namespace Deno {
  const env: { get(name: string): string | undefined };
  function addSignalListener(signal: "SIGINT" | "SIGTERM", handler: () => void): void;
}

declare const Bun: { env: Record<string, string | undefined> };
