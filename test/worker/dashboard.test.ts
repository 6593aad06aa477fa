import { describe, expect, it } from "vitest";
import { DASHBOARD_CSP } from "../../worker/http/dashboard";
import { call } from "./helpers";

/** Fetches a dashboard file and checks the headers every one of them carries. */
async function served(path: string, type: string): Promise<string> {
  const res = await call("GET", path);
  expect(res.status, path).toBe(200);
  expect(res.headers.get("content-type"), path).toBe(`${type}; charset=utf-8`);
  expect(res.headers.get("content-security-policy"), path).toBe(DASHBOARD_CSP);
  expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
  expect(res.headers.get("referrer-policy"), path).toBe("no-referrer");
  return res.text();
}

/** The page's entry module and every module it imports, transitively. */
async function allScripts(): Promise<Map<string, string>> {
  const scripts = new Map<string, string>();
  const pending = ["/dashboard/main.js"];
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    if (scripts.has(path)) continue;
    const code = await served(path, "text/javascript");
    scripts.set(path, code);
    for (const [, name] of code.matchAll(/^import .* from "\.\/([a-z-]+\.js)";$/gm)) {
      pending.push(`/dashboard/${name}`);
    }
  }
  return scripts;
}

describe("dashboard", () => {
  it("serves the page without a token, with a strict Content-Security-Policy", async () => {
    expect(DASHBOARD_CSP).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
        "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    const html = await served("/dashboard", "text/html");
    expect(html).toContain('<script type="module" src="/dashboard/main.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="/dashboard.css">');
    // The page is the same for everyone: no inline script, style or handler that the
    // policy would block.
    expect(html.match(/<script\b[^>]*>/g)).toEqual([
      '<script type="module" src="/dashboard/main.js">',
    ]);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=|javascript:/i);
  });

  it("serves its modules and stylesheet, and renders nothing from the API as markup", async () => {
    const scripts = await allScripts();
    expect([...scripts.keys()].sort()).toEqual(
      ["dom", "format", "grid", "main", "model", "sparkline", "tables", "timeline"].map(
        (name) => `/dashboard/${name}.js`,
      ),
    );
    for (const [path, code] of scripts) {
      expect(code, path).not.toMatch(
        /innerHTML|outerHTML|insertAdjacentHTML|document\.write|createContextualFragment|DOMParser|eval\(|new Function/,
      );
      // Inline styles would be refused by `style-src 'self'`; the stylesheet does the styling.
      expect(code, path).not.toMatch(/setAttribute\("style"|\.style\b|cssText/);
    }
    // Text goes in as text; SVG is built element by element.
    expect(scripts.get("/dashboard/dom.js")).toContain("createElementNS");
    expect(scripts.get("/dashboard/main.js")).toContain("textContent");
    expect(await served("/dashboard.css", "text/css")).toContain(".verdict");
  });

  it("answers 404 for a module it does not have", async () => {
    const res = await call("GET", "/dashboard/nope.js");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "not found" });
  });

  it("still guards the API behind it", async () => {
    const res = await call("GET", "/v1/services/anything/health");
    expect(res.status).toBe(401);
  });
});
