/**
 * The location × upstream grid of verdicts, served as the browser module
 * `/dashboard/grid.js`: a row per upstream, a column for the overall verdict, the hub's own
 * heartbeats and every location (colo) that reports, each cell the verdict in words with a
 * shape, and what it rests on (the reason; the evidence kind when the hub sends one).
 *
 * @example
 * ```ts
 * app.get("/dashboard/grid.js", (c) => c.body(GRID_JS)); // one of DASHBOARD_SCRIPTS
 * ```
 */
export const GRID_JS = `// Location x upstream grid: where each upstream is seen up or down.
import { $, cell, el, verdict } from "./dom.js";
import { ago, ms, percent } from "./format.js";

export function coloNames(snapshot) {
  const names = new Set();
  for (const u of snapshot.upstreams) for (const colo of Object.keys(u.locations)) names.add(colo);
  return [...names].sort();
}

export function renderGrid(snapshot, now) {
  const table = $("grid");
  const colos = coloNames(snapshot);
  const head = el("tr", {}, el("th", { scope: "col" }, "Upstream"), el("th", { scope: "col" }, "Overall"),
    el("th", { scope: "col", title: "the hub's own heartbeats" }, "Hub heartbeats"));
  for (const colo of colos) head.append(el("th", { scope: "col", "data-colo": colo }, colo));
  table.tHead.replaceChildren(head);
  const body = table.tBodies[0];
  body.replaceChildren();
  for (const u of snapshot.upstreams) {
    const row = el("tr", { "data-url": u.url }, el("th", { scope: "row" }, u.url));
    body.append(row);
    place(row, "global", u.verdict, u.reason, "for " + ago(u.since, now).replace(" ago", ""));
    const beat = u.heartbeat.last;
    place(row, "hub", u.heartbeat.verdict, streak(u.heartbeat), beat ? outcome(beat, now) : "");
    for (const colo of colos) {
      const where = u.locations[colo];
      if (!where) {
        cell(row, "—", { class: "none", "data-colo": colo, title: "no reports or heartbeats from " + colo });
        continue;
      }
      const detail = where.calls > 0 ? percent(where.successRate, 0) + " of " + where.calls + " calls ok"
        : where.lastHeartbeat ? outcome(where.lastHeartbeat, now) : "";
      place(row, colo, where.verdict, where.reason, detail, where.evidence);
    }
  }
  $("grid-empty").hidden = colos.length > 0;
}

function place(row, scope, value, reason, detail, evidence) {
  const td = el("td", { "data-colo": scope, title: reason || undefined });
  td.append(verdict("span", value));
  if (evidence) td.append(el("span", { class: "evidence" }, String(evidence)));
  if (detail) td.append(el("small", {}, detail));
  if (reason) td.append(el("small", { class: "reason" }, reason));
  row.append(td);
}

function streak(track) {
  if (track.failStreak > 0) return track.failStreak + " failed in a row";
  if (track.okStreak > 0) return track.okStreak + " succeeded in a row";
  return "no heartbeat yet";
}

function outcome(beat, now) {
  const result = beat.ok ? String(beat.status) : beat.error || "failed " + (beat.status === null ? "" : beat.status);
  return result + " in " + ms(beat.latencyMs) + ", " + ago(beat.at, now);
}
`;
