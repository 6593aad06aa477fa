import { describe, expect, it } from "vitest";
import { DASHBOARD_CSP } from "../../worker/http/dashboard";
import { call } from "./helpers";

describe("dashboard", () => {
  it("serves the page without a token, with a strict Content-Security-Policy", async () => {
    const res = await call("GET", "/dashboard");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("content-security-policy")).toBe(DASHBOARD_CSP);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const html = await res.text();
    expect(html).toContain('<script src="/dashboard.js" defer></script>');
    expect(html).toContain('<link rel="stylesheet" href="/dashboard.css">');
    // The page is the same for everyone: no inline script that the policy would block.
    expect(html).not.toMatch(/<script>(?!<\/script>)/);
  });

  it("serves its script and stylesheet with their types", async () => {
    const script = await call("GET", "/dashboard.js");
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    const code = await script.text();
    // Rendering goes through textContent only: nothing from the API becomes markup.
    expect(code).toContain("textContent");
    expect(code).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    const style = await call("GET", "/dashboard.css");
    expect(style.status).toBe(200);
    expect(style.headers.get("content-type")).toBe("text/css; charset=utf-8");
  });

  it("still guards the API behind it", async () => {
    const res = await call("GET", "/v1/services/anything/health");
    expect(res.status).toBe(401);
  });
});
