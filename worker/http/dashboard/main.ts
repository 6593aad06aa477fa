/**
 * The dashboard's entry module, served as `/dashboard/main.js`: asks for the service and a
 * read token (kept in `sessionStorage`, never in the URL), polls the snapshot with
 * `If-None-Match`, keeps the event log and latency samples in page memory, and redraws the
 * tables, grid and timelines, so a change shows without a reload.
 *
 * @example
 * ```ts
 * app.get("/dashboard/main.js", (c) => c.body(MAIN_JS)); // one of DASHBOARD_SCRIPTS
 * ```
 */
export const MAIN_JS = `// Session, polling and redrawing.
import { $ } from "./dom.js";
import { ms, time } from "./format.js";
import { renderGrid } from "./grid.js";
import { createLog, createSamples, older, recordSamples, syncEvents } from "./model.js";
import { renderEvents, renderUpstreams } from "./tables.js";
import { renderTimelines } from "./timeline.js";

const POLL_MS = 2000;
const PAGE = 100;
const MAX_PAGES = 10;
const KEEP_MS = 60 * 60 * 1000;
const EVENT_ROWS = 25;
// Without a new snapshot, the picture is redrawn this often so that timelines move on.
const REDRAW_MS = 10000;
const store = window.sessionStorage;

let view = null;
let timer = 0;

function fresh(service, token) {
  return { service, token, etag: null, snapshot: null, skew: -Infinity, log: createLog(), samples: createSamples(), rows: EVENT_ROWS, drawnAt: 0 };
}

async function api(v, path, extra) {
  const response = await fetch("/v1/services/" + encodeURIComponent(v.service) + path, {
    headers: Object.assign({ authorization: "Bearer " + v.token }, extra),
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

const page = (v) => (before, limit) =>
  api(v, "/events?limit=" + (limit || PAGE) + (before === undefined ? "" : "&before=" + before)).then((r) => r.body);
const windowMs = () => Number($("window").value) * 60000;
// The hub's clock, estimated from the last snapshot: timelines end at the hub's "now".
const hubNow = (v) => Date.now() + v.skew;

function status(text, isError) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "";
}

// Redrawing replaces the elements, which would drop a selection someone is copying.
const selecting = () => !getSelection().isCollapsed && $("view").contains(getSelection().anchorNode);

function draw(v) {
  if (!v.snapshot) return;
  v.drawnAt = Date.now();
  const events = v.log.events;
  const now = Math.max(hubNow(v), v.snapshot.generatedAt, events.length ? events[events.length - 1].at : 0);
  const s = v.snapshot;
  $("title").textContent = s.service;
  $("meta").textContent = "version " + s.version + " · generated " + time(s.generatedAt) +
    " · heartbeats every " + ms(s.heartbeat.interval) + " · this page polls every " + ms(POLL_MS);
  renderUpstreams(s, v.samples, now, windowMs());
  renderGrid(s, now);
  renderTimelines(s, v.log, now, windowMs());
  renderEvents(v.log, v.rows);
  $("older").hidden = v.log.coveredFrom === -Infinity && v.rows >= v.log.events.length;
  $("view").hidden = false;
}

async function refresh(v) {
  clearTimeout(timer);
  try {
    const reply = await api(v, "/health", v.etag ? { "if-none-match": v.etag } : {});
    if (v !== view) return;
    if (reply !== null) {
      v.etag = reply.etag;
      v.snapshot = reply.body;
      // generatedAt is when the hub built this version of the body, so it may be a little
      // old: the largest offset seen is the closest to the hub's clock.
      v.skew = Math.max(v.skew, reply.body.generatedAt - Date.now());
      recordSamples(v.samples, reply.body, hubNow(v) - KEEP_MS);
      await syncEvents(v.log, page(v), hubNow(v) - windowMs(), MAX_PAGES);
    }
    if (v !== view) return;
    if ((reply !== null || Date.now() - v.drawnAt >= REDRAW_MS) && !selecting()) draw(v);
    status((selecting() ? "Paused while text is selected · checked " : "Updated ") + time(Date.now()), false);
  } catch (error) {
    if (v !== view) return;
    status(error.status === 401 || error.status === 403 ? "The token was refused (" + error.message + ")" : String(error.message || error), true);
    if (error.status === 401 || error.status === 403 || error.status === 404) return;
  }
  timer = setTimeout(() => refresh(v), POLL_MS);
}

function start(service, token) {
  store.setItem("hub.service", service);
  store.setItem("hub.token", token);
  view = fresh(service, token);
  $("view").hidden = true;
  refresh(view);
}

addEventListener("DOMContentLoaded", () => {
  const fromUrl = new URLSearchParams(location.search).get("service");
  $("service").value = fromUrl || store.getItem("hub.service") || "";
  $("token").value = store.getItem("hub.token") || "";
  $("window").value = store.getItem("hub.window") || $("window").value;
  $("login").addEventListener("submit", (event) => {
    event.preventDefault();
    start($("service").value.trim(), $("token").value);
  });
  $("window").addEventListener("change", () => {
    store.setItem("hub.window", $("window").value);
    if (view) syncEvents(view.log, page(view), hubNow(view) - windowMs(), MAX_PAGES).then(() => draw(view), (error) => status(String(error.message || error), true));
  });
  $("older").addEventListener("click", async () => {
    const v = view;
    v.rows += EVENT_ROWS;
    try {
      if (v.rows > v.log.events.length && v.log.coveredFrom !== -Infinity) await older(v.log, page(v));
      draw(v);
    } catch (error) {
      status(String(error.message || error), true);
    }
  });
  if ($("service").value && $("token").value) start($("service").value, $("token").value);
});
`;
