import { Hono } from "hono";
import type { HubBindings } from "../env";
import { DASHBOARD_PAGE } from "./dashboard/page";
import { DASHBOARD_SCRIPTS } from "./dashboard/scripts";
import { DASHBOARD_STYLE } from "./dashboard/style";

/**
 * The hub's dashboard: one static page, its stylesheet and a few small browser modules
 * (`worker/http/dashboard/`). The page holds no data and needs no token to load; the script
 * asks for the service and a read token, keeps them in `sessionStorage` (never in the URL),
 * and reads the same JSON API clients use: the snapshot every 2 s with `If-None-Match` (a
 * 304 costs next to nothing), and the new part of the event log when the snapshot changed.
 * From those it draws per upstream a latency sparkline (samples kept in page memory), an
 * up/down timeline per vantage point (from the event log), and a location × upstream grid
 * of verdicts. Everything from the API is rendered as text nodes or attribute values (SVG
 * through `createElementNS`), so an upstream URL or an event reason can never become
 * markup; the Content-Security-Policy allows only the page's own scripts, stylesheet and API.
 *
 * Polling rather than the `/subscribe` WebSocket: a browser cannot send an `Authorization`
 * header on a WebSocket upgrade, and putting the token in the URL would leak it to logs.
 *
 * @example
 * ```ts
 * app.route("/", dashboard); // GET /dashboard, /dashboard.css, /dashboard/<module>.js
 * ```
 */
export const dashboard = new Hono<HubBindings>();

/** Same-origin script, style and API only; no frames, forms posting away, or plugins. */
export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
  "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const headers = (type: string) => ({
  "Content-Type": `${type}; charset=utf-8`,
  "Content-Security-Policy": DASHBOARD_CSP,
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-cache",
});

dashboard.get("/dashboard", (c) => c.body(DASHBOARD_PAGE, 200, headers("text/html")));
dashboard.get("/dashboard.css", (c) => c.body(DASHBOARD_STYLE, 200, headers("text/css")));
dashboard.get("/dashboard/:file", (c) => {
  const code = DASHBOARD_SCRIPTS.get(c.req.param("file"));
  return code === undefined ? c.notFound() : c.body(code, 200, headers("text/javascript"));
});
// Browsers ask for it with every page; an empty answer beats a 404 in the console.
dashboard.get("/favicon.ico", (c) => c.body(null, 204));
