/**
 * The dashboard's two tables, served as the browser module `/dashboard/tables.js`: the
 * upstreams (verdict, reason, figures and a latency sparkline each) and the event log.
 *
 * @example
 * ```ts
 * app.get("/dashboard/tables.js", (c) => c.body(TABLES_JS)); // one of DASHBOARD_SCRIPTS
 * ```
 */
export const TABLES_JS = `// The upstreams table and the event log table.
import { $, cell, el, verdict } from "./dom.js";
import { ago, ms, percent, time } from "./format.js";
import { newestFirst } from "./model.js";
import { sparkline } from "./sparkline.js";

export function renderUpstreams(snapshot, samples, now, windowMs) {
  const body = $("upstreams").tBodies[0];
  body.replaceChildren();
  for (const u of snapshot.upstreams) {
    const row = el("tr", { "data-url": u.url });
    body.append(row);
    const name = cell(row, u.url, { class: "url" });
    if (u.weight !== 1) name.append(el("small", {}, "weight " + u.weight));
    if (u.drain) name.append(verdict("small", "drained", "drained: clients send it no new calls"));
    const judged = el("td", { class: "verdict " + u.verdict, "data-verdict": u.verdict });
    judged.append(verdict("span", u.verdict));
    row.append(judged);
    cell(row, ago(u.since, now), { class: "num" });
    cell(row, u.reason, { class: "reason" });
    cell(row, percent(u.successRate), { class: "num" });
    cell(row, String(u.calls), { class: "num" });
    const latency = el("td");
    latency.append(sparkline(samples.get(u.url) || { ewma: [], beats: [] }, now - windowMs, now));
    row.append(latency);
    cell(row, percent(u.availability.availability), { class: "num" });
    cell(row, ms(u.availability.mtbfMs), { class: "num" });
    cell(row, ms(u.availability.mttrMs), { class: "num" });
  }
}

export function renderEvents(log, count) {
  const body = $("events").tBodies[0];
  body.replaceChildren();
  for (const e of newestFirst(log, count)) {
    const row = el("tr");
    body.append(row);
    cell(row, time(e.at));
    cell(row, e.upstream, { class: "url" });
    cell(row, e.scope);
    const change = el("td", { class: "change", "data-verdict": e.to });
    if (e.kind === "drain") change.append(verdict("span", "drained", "drained by the operator"));
    else if (e.kind === "undrain") change.append("back in rotation (undrained)");
    else change.append(verdict("span", e.from), " → ", verdict("span", e.to));
    row.append(change);
    cell(row, e.reason, { class: "reason" });
  }
}
`;
