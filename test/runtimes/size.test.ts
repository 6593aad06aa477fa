import { beforeAll, describe, expect, it } from "vitest";
import { measureSizes, SIZE_CASES, type SizeRow } from "../../scripts/size";
import { ROOT } from "./prepare-package";

describe("bundle size", () => {
  let rows: SizeRow[];
  beforeAll(async () => {
    rows = await measureSizes(ROOT);
  });
  const gzipped = (name: string) => rows.find((row) => row.name === name)!.gzipped;

  // The limits are in scripts/size.ts (SIZE_CASES): createClient ≤ 16.25 KB (16 KB, plus the
  // health plug-in point issue 11 allowed), the hand-composed core ≤ 6.5 KB, each entry point
  // with its own.
  it.each(SIZE_CASES.filter((sizeCase) => sizeCase.limit !== undefined).map((c) => [c.name, c]))(
    "keeps %s within its limit, minified and gzipped",
    (name, { limit }) => {
      const row = rows.find((r) => r.name === name)!;
      expect(row.minified).toBeGreaterThan(row.gzipped);
      expect(row.gzipped, `${row.gzipped} B > ${limit} B`).toBeLessThanOrEqual(limit!);
      expect(row.withinLimit).toBe(true);
    },
  );

  it("limits createClient and the hand-composed core", () => {
    const limited = SIZE_CASES.filter((sizeCase) => sizeCase.limit !== undefined);
    expect(limited.map(({ name, limit }) => [name, limit])).toEqual(
      expect.arrayContaining([
        ["createClient (everything it uses)", 16.25 * 1024],
        ["compose(deadline, retry, timeout, transport)", 6.5 * 1024],
      ]),
    );
  });

  // The breakdown `npm run size` prints leaves parts out by stubbing modules; a stub that no
  // longer matches what imports it fails the build here instead of printing a wrong figure.
  it("builds every row of the size table, each part left out making the client smaller", () => {
    const client = gzipped("createClient (everything it uses)");
    const noHedging = gzipped("createClient without hedging");
    expect(noHedging).toBeLessThan(client);
    expect(gzipped("createClient without hedging and ejection")).toBeLessThan(noHedging);
    for (const row of rows) expect(row.gzipped).toBeGreaterThan(1_000);
  });

  it("flags a row over its limit", async () => {
    const [row] = await measureSizes(ROOT, [{ ...SIZE_CASES[0]!, limit: 1_000 }]);
    expect(row!.withinLimit).toBe(false);
  });
});
