import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Checks the relative links of Markdown pages the way GitHub renders them: the file a link
 * names exists, and its `#anchor` is the slug of a heading in that page (or an explicit
 * `<a id>`). Links in code blocks and code spans are not links; links with a scheme
 * (`https:`, `mailto:`) are not checked, since tests reach only loopback.
 */

/** A link that does not resolve: where it is, what it points at, and why it fails. */
export interface BrokenLink {
  file: string;
  line: number;
  target: string;
  reason: string;
}

/** A link found in a page: its target as written and its 1-based line. */
export interface MarkdownLink {
  target: string;
  line: number;
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const ATX_HEADING = /^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/;
const CODE_SPAN = /(`+)[\s\S]*?\1/g;
// [text](target) or [text](target "title"); the text may hold code spans but no brackets.
const INLINE_LINK = /!?\[[^\]]*\]\(\s*<?([^\s)>]+)>?(?:\s+"[^"]*")?\s*\)/g;
const REFERENCE_DEFINITION = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/;
const HTML_ANCHOR = /<a\s+(?:[^>]*\s)?(?:id|name)="([^"]+)"/g;
const SCHEME = /^[a-z][a-z0-9+.-]*:|^\/\//i;

/** Each line of a page outside fenced code blocks, with its 1-based number. */
function proseLines(markdown: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let fence: string | undefined;
  markdown.split("\n").forEach((text, index) => {
    const open = FENCE.exec(text)?.[1];
    if (fence !== undefined) {
      if (open !== undefined && open[0] === fence[0] && open.length >= fence.length) {
        fence = undefined;
      }
      return;
    }
    if (open !== undefined) fence = open;
    else out.push({ text, line: index + 1 });
  });
  return out;
}

/**
 * The anchor GitHub gives a heading: its text as rendered (code spans keep their content,
 * links their text), lower-cased, without punctuation but `-` and `_`, spaces as hyphens.
 *
 * @example
 * ```ts
 * githubSlug("Measured (`npm run bench:sync`)"); // → "measured-npm-run-benchsync"
 * ```
 */
export function githubSlug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<[^>]+>/g, "")
    .replace(/`/g, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

/**
 * Every anchor a page offers: its headings' slugs (a repeated one gets `-1`, `-2`, … as on
 * GitHub) and the ids of explicit `<a id>` / `<a name>` anchors.
 *
 * @example
 * ```ts
 * headingAnchors("# Title\n## Options\n## Options\n"); // → Set { "title", "options", "options-1" }
 * ```
 */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of proseLines(markdown)) {
    for (const match of text.matchAll(HTML_ANCHOR)) anchors.add(match[1]!);
    const heading = ATX_HEADING.exec(text);
    if (heading === null) continue;
    const slug = githubSlug(heading[1]!);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/**
 * The links of a page outside code: inline links and images, and reference definitions.
 *
 * @example
 * ```ts
 * markdownLinks("See [hub](docs/hub.md#api) and `[not](a link)`."); // → [{ target: "docs/hub.md#api", line: 1 }]
 * ```
 */
export function markdownLinks(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  for (const { text, line } of proseLines(markdown)) {
    const definition = REFERENCE_DEFINITION.exec(text);
    if (definition !== null) {
      links.push({ target: definition[1]!, line });
      continue;
    }
    const prose = text.replace(CODE_SPAN, (span) => "x".repeat(span.length));
    for (const match of prose.matchAll(INLINE_LINK)) links.push({ target: match[1]!, line });
  }
  return links;
}

/**
 * Checks every relative link of the given pages (paths relative to `root`).
 *
 * @example
 * ```ts
 * checkLinks(["README.md", "docs/hub.md"], process.cwd()); // → [] when every link resolves
 * ```
 */
export function checkLinks(files: string[], root: string): BrokenLink[] {
  const anchorsOf = new Map<string, Set<string>>();
  const anchors = (path: string) => {
    let set = anchorsOf.get(path);
    if (set === undefined) {
      set = headingAnchors(readFileSync(path, "utf8"));
      anchorsOf.set(path, set);
    }
    return set;
  };
  const broken: BrokenLink[] = [];
  for (const file of files) {
    const source = resolve(root, file);
    for (const { target, line } of markdownLinks(readFileSync(source, "utf8"))) {
      if (SCHEME.test(target)) continue;
      const fail = (reason: string) => broken.push({ file, line, target, reason });
      const hash = target.indexOf("#");
      const pathPart = decodeURIComponent(hash === -1 ? target : target.slice(0, hash));
      const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
      const path = pathPart === "" ? source : resolve(dirname(source), pathPart);
      if (!existsSync(path)) {
        fail(`no such file: ${relative(root, path)}`);
        continue;
      }
      if (anchor === undefined) continue;
      if (!path.endsWith(".md")) fail(`an anchor into a file that is not Markdown`);
      else if (!anchors(path).has(anchor)) {
        fail(`no heading in ${relative(root, path)} has the anchor #${anchor}`);
      }
    }
  }
  return broken;
}

// `tsx scripts/check-links.ts README.md docs/*.md` lists broken links and exits 1 if any.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const broken = checkLinks(process.argv.slice(2), process.cwd());
  for (const { file, line, target, reason } of broken) {
    console.error(`${join(file)}:${line}: (${target}) ${reason}`);
  }
  process.exitCode = broken.length === 0 ? 0 : 1;
}
