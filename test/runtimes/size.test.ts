import { describe, expect, it } from "vitest";
import { measureClientSize, SIZE_LIMIT } from "../../scripts/size";
import { ROOT } from "./prepare-package";

describe("bundle size", () => {
  // The target is 10 KB (SIZE_TARGET); see SIZE_LIMIT in scripts/size.ts for why it is not
  // the limit enforced here yet.
  it("keeps createClient and all it uses under the size limit, minified and gzipped", async () => {
    const size = await measureClientSize(ROOT);
    expect(size.minified).toBeGreaterThan(size.gzipped);
    expect(size.gzipped).toBeLessThanOrEqual(SIZE_LIMIT);
  });
});
