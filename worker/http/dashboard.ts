import { Hono } from "hono";
import type { HubBindings } from "../env";

/**
 * The hub's dashboard: one static page, its script and its stylesheet. The page holds no
 * data and needs no token to load; the script asks for the service and a read token, keeps
 * them in `sessionStorage` (never in the URL), and reads the same JSON API clients use:
 * the snapshot every few seconds with `If-None-Match` (a 304 costs next to nothing), and
 * the event log when the snapshot changes. Everything is rendered with `textContent`, so
 * an upstream URL or an event reason can never become markup; the Content-Security-Policy
 * allows only the page's own script, stylesheet and API.
 *
 * Polling rather than the `/subscribe` WebSocket: a browser cannot send an `Authorization`
 * header on a WebSocket upgrade, and putting the token in the URL would leak it to logs.
 *
 * @example
 * ```ts
 * app.route("/", dashboard); // GET /dashboard, /dashboard.js, /dashboard.css
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

dashboard.get("/dashboard", (c) => c.body(PAGE, 200, headers("text/html")));
dashboard.get("/dashboard.js", (c) => c.body(SCRIPT, 200, headers("text/javascript")));
dashboard.get("/dashboard.css", (c) => c.body(STYLE, 200, headers("text/css")));
// Browsers ask for it with every page; an empty answer beats a 404 in the console.
dashboard.get("/favicon.ico", (c) => c.body(null, 204));

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Health hub</title>
<link rel="stylesheet" href="/dashboard.css">
<script src="/dashboard.js" defer></script>
</head>
<body>
<header>
  <h1>Health hub</h1>
  <form id="login" autocomplete="off">
    <label>Service <input id="service" name="service" required pattern="[A-Za-z0-9][A-Za-z0-9._\\-]{0,63}"></label>
    <label>Read token <input id="token" name="token" type="password" required></label>
    <button type="submit">Show</button>
  </form>
  <p id="status" role="status"></p>
</header>
<main hidden id="view">
  <h2 id="title"></h2>
  <p id="meta"></p>
  <table id="upstreams">
    <thead><tr>
      <th>Upstream</th><th>Verdict</th><th>Since</th><th>Reason</th><th>Success</th>
      <th>Calls</th><th>Latency (EWMA)</th><th>Heartbeat</th><th>Availability</th>
      <th>MTBF</th><th>MTTR</th><th>Locations</th>
    </tr></thead>
    <tbody></tbody>
  </table>
  <h2>Events</h2>
  <table id="events">
    <thead><tr><th>When</th><th>Upstream</th><th>Scope</th><th>Change</th><th>Reason</th></tr></thead>
    <tbody></tbody>
  </table>
  <button id="older" type="button" hidden>Older events</button>
</main>
</body>
</html>
`;

// Plain browser JavaScript (no build step): it is served as is.
const SCRIPT = `"use strict";
(() => {
  const POLL_MS = 5000;
  const $ = (id) => document.getElementById(id);
  const store = window.sessionStorage;
  let session = null;
  let etag = null;
  let timer = 0;
  let nextEvents = null;

  const cell = (row, text, className) => {
    const td = row.insertCell();
    td.textContent = text;
    if (className) td.className = className;
    return td;
  };
  const ms = (value) => {
    if (value === null || value === undefined) return "—";
    if (value < 1000) return value.toFixed(value < 10 ? 1 : 0) + " ms";
    const s = value / 1000;
    if (s < 120) return s.toFixed(1) + " s";
    const m = s / 60;
    return m < 120 ? m.toFixed(0) + " min" : (m / 60).toFixed(1) + " h";
  };
  const percent = (value) => (value === null || value === undefined ? "—" : (value * 100).toFixed(2) + "%");
  const time = (at) => (at > 0 ? new Date(at).toISOString().replace("T", " ").replace(/\\.\\d+Z$/, "Z") : "—");
  const ago = (at, now) => (at > 0 ? ms(Math.max(0, now - at)) + " ago" : "—");
  const status = (text, isError) => {
    $("status").textContent = text;
    $("status").className = isError ? "error" : "";
  };

  async function api(path, extra) {
    const response = await fetch("/v1/services/" + encodeURIComponent(session.service) + path, {
      headers: Object.assign({ authorization: "Bearer " + session.token }, extra),
      cache: "no-store",
    });
    if (response.status === 304) return null;
    const body = await response.json().catch(() => ({ error: "not JSON" }));
    if (!response.ok) {
      const error = new Error(response.status + ": " + (body.error || response.statusText));
      error.status = response.status;
      throw error;
    }
    return { body, etag: response.headers.get("etag") };
  }

  function renderSnapshot(snapshot) {
    const now = Date.now();
    $("title").textContent = snapshot.service;
    $("meta").textContent =
      "version " + snapshot.version + " · generated " + time(snapshot.generatedAt) +
      " · heartbeats every " + ms(snapshot.heartbeat.interval);
    const body = $("upstreams").tBodies[0];
    body.replaceChildren();
    for (const u of snapshot.upstreams) {
      const row = body.insertRow();
      row.dataset.url = u.url;
      cell(row, u.url + (u.weight !== 1 ? " (weight " + u.weight + ")" : ""));
      cell(row, u.verdict, "verdict " + u.verdict);
      cell(row, ago(u.since, now));
      cell(row, u.reason);
      cell(row, percent(u.successRate));
      cell(row, String(u.calls));
      cell(row, ms(u.latencyEwmaMs));
      const beat = u.heartbeat.last;
      const outcome = beat && (beat.ok ? "ok " + beat.status : beat.error || "failed " + beat.status);
      cell(row, u.heartbeat.verdict + (beat ? " · " + outcome + " in " + ms(beat.latencyMs) + ", " + ago(beat.at, now) : ""));
      cell(row, percent(u.availability.availability));
      cell(row, ms(u.availability.mtbfMs));
      cell(row, ms(u.availability.mttrMs));
      const places = cell(row, "");
      for (const [colo, where] of Object.entries(u.locations)) {
        const tag = document.createElement("span");
        tag.className = "verdict " + where.verdict;
        tag.textContent = colo + ": " + where.verdict;
        tag.title = where.reason;
        places.append(tag, " ");
      }
    }
  }

  function renderEvents(page, append) {
    const body = $("events").tBodies[0];
    if (!append) body.replaceChildren();
    for (const e of page.events) {
      const row = body.insertRow();
      cell(row, time(e.at));
      cell(row, e.upstream);
      cell(row, e.scope);
      cell(row, e.from + " → " + e.to, "verdict " + e.to);
      cell(row, e.reason);
    }
    nextEvents = page.next;
    $("older").hidden = nextEvents === null;
  }

  async function refresh() {
    clearTimeout(timer);
    try {
      const reply = await api("/health", etag ? { "if-none-match": etag } : {});
      if (reply !== null) {
        etag = reply.etag;
        renderSnapshot(reply.body);
        const events = await api("/events?limit=25");
        renderEvents(events.body, false);
        $("view").hidden = false;
      }
      status("Updated " + time(Date.now()), false);
    } catch (error) {
      status(error.status === 401 || error.status === 403 ? "The token was refused (" + error.message + ")" : String(error.message || error), true);
      if (error.status === 401 || error.status === 403 || error.status === 404) return;
    }
    timer = setTimeout(refresh, POLL_MS);
  }

  function start(service, token) {
    session = { service, token };
    store.setItem("hub.service", service);
    store.setItem("hub.token", token);
    etag = null;
    refresh();
  }

  addEventListener("DOMContentLoaded", () => {
    const fromUrl = new URLSearchParams(location.search).get("service");
    $("service").value = fromUrl || store.getItem("hub.service") || "";
    $("token").value = store.getItem("hub.token") || "";
    $("login").addEventListener("submit", (event) => {
      event.preventDefault();
      start($("service").value.trim(), $("token").value);
    });
    $("older").addEventListener("click", async () => {
      try {
        const reply = await api("/events?limit=25&before=" + nextEvents);
        renderEvents(reply.body, true);
      } catch (error) {
        status(String(error.message || error), true);
      }
    });
    if ($("service").value && $("token").value) start($("service").value, $("token").value);
  });
})();
`;

const STYLE = `:root { color-scheme: light dark; font: 14px/1.4 system-ui, sans-serif; }
body { margin: 1rem 2rem; }
header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 1rem 2rem; }
form { display: flex; gap: .75rem; align-items: baseline; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1.5rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #8884; vertical-align: top; }
td:first-child { font-family: ui-monospace, monospace; word-break: break-all; }
.verdict { font-weight: 600; border-radius: .25rem; padding: 0 .3rem; }
span.verdict { display: inline-block; margin: 0 .2rem .2rem 0; }
.up { color: #0a7d32; } .down { color: #c62828; } .degraded { color: #b26a00; } .unknown { color: #777; }
.error { color: #c62828; }
`;
