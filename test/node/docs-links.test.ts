import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { checkLinks, githubSlug, headingAnchors, markdownLinks } from "../../scripts/check-links";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

describe("links in README.md and docs/*.md", () => {
  it("every relative link names a file that exists, and every #anchor a heading in it", () => {
    const docs = readdirSync(join(ROOT, "docs"))
      .filter((name) => name.endsWith(".md"))
      .map((name) => `docs/${name}`);
    expect(docs.length).toBeGreaterThan(0);
    expect(checkLinks(["README.md", ...docs], ROOT)).toEqual([]);
  });
});

describe("the link checker", () => {
  const dir = mkdtempSync(join(tmpdir(), "resilient-fetch-links-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (path: string, text: string) => {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  };

  it("slugs headings as GitHub does: code and links keep their text, punctuation goes", () => {
    expect(githubSlug("Measured (`npm run bench:sync`)")).toBe("measured-npm-run-benchsync");
    expect(githubSlug("Try a configuration before you deploy it: `resilient-fetch/testing`")).toBe(
      "try-a-configuration-before-you-deploy-it-resilient-fetchtesting",
    );
    expect(githubSlug("What fetch's contract costs (issues 17 and 12)")).toBe(
      "what-fetchs-contract-costs-issues-17-and-12",
    );
    expect(githubSlug("Auth, limits and errors")).toBe("auth-limits-and-errors");
    expect(githubSlug("See [the hub](hub.md) — Übersicht_2")).toBe("see-the-hub--übersicht_2");
  });

  it("numbers repeated headings and ignores headings inside code blocks", () => {
    const anchors = headingAnchors(
      '# Title\n\n## Options\n\n```sh\n# not a heading\n```\n\n## Options\n<a id="kept"></a>\n',
    );
    expect([...anchors].sort()).toEqual(["kept", "options", "options-1", "title"]);
  });

  it("finds inline links, images and reference definitions, not code or external URLs", () => {
    const links = markdownLinks(
      [
        "A [page](docs/a.md#x), an ![image](img.png) and `[code](no.md)`.",
        "```md",
        "[fenced](no.md)",
        "```",
        "[ref]: docs/b.md",
        "[Where `client.fetch` differs](#where-clientfetch-differs)",
      ].join("\n"),
    );
    expect(links).toEqual([
      { target: "docs/a.md#x", line: 1 },
      { target: "img.png", line: 1 },
      { target: "docs/b.md", line: 5 },
      { target: "#where-clientfetch-differs", line: 6 },
    ]);
  });

  it("reports a missing file, a missing anchor in another page and in the same page", () => {
    write("README.md", "# Top\n\n[ok](docs/a.md#part-one) [ok](https://example.com/x.md#nope)\n");
    write(
      "docs/a.md",
      [
        "# A",
        "## Part one",
        "[gone](missing.md)",
        "[wrong anchor](../README.md#bottom)",
        "[same page](#part-two)",
        "[ok](#part-one) [ok](../README.md#top)",
      ].join("\n"),
    );
    expect(checkLinks(["README.md", "docs/a.md"], dir)).toEqual([
      { file: "docs/a.md", line: 3, target: "missing.md", reason: "no such file: docs/missing.md" },
      {
        file: "docs/a.md",
        line: 4,
        target: "../README.md#bottom",
        reason: "no heading in README.md has the anchor #bottom",
      },
      {
        file: "docs/a.md",
        line: 5,
        target: "#part-two",
        reason: "no heading in docs/a.md has the anchor #part-two",
      },
    ]);
  });
});
