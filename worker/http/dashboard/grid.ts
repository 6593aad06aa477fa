/**
 * The location × upstream grid of verdicts, served as the browser module
 * `/dashboard/grid.js`: a row per upstream, a column for the overall verdict, the hub's own
 * heartbeats and every location (colo) that reports, each cell the verdict in words with a
 * shape, what it rests on (the evidence kind and the reason), what the location's clients
 * saw, and whether the location's verdict is stale (older than the snapshot's `ttlMs`).
 *
 * @example
 * ```ts
 * app.get("/dashboard/grid.js", (c) => c.body(GRID_JS)); // one of DASHBOARD_SCRIPTS
 * ```
 */
export const GRID_JS = `// Location x upstream grid: where each upstream is seen up or down.
import { $, cell, el, evidence, tag, verdict } from "./dom.js";
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
    const name = el("th", { scope: "row" }, u.url);
    if (u.drain) name.append(verdict("small", "drained", "drained by the operator"));
    const row = el("tr", { "data-url": u.url }, name);
    body.append(row);
    place(row, "global", u.verdict, u.reason, ["for " + ago(u.since, now).replace(" ago", "")], u.evidence);
    const beat = u.heartbeat.last;
    place(row, "hub", u.heartbeat.verdict, streak(u.heartbeat), beat ? [outcome(beat, now)] : []);
    for (const colo of colos) {
      const where = u.locations[colo];
      if (!where) {
        cell(row, "—", { class: "none", "data-colo": colo, title: "no reports or heartbeats from " + colo });
        continue;
      }
      const td = place(row, colo, where.verdict, where.reason, details(where, now), where.evidence);
      // The hub's rule for clients: a location's verdict counts while its newest signal is
      // at most ttlMs older than the snapshot.
      const newest = Math.max(where.reportedAt || 0, where.lastHeartbeat ? where.lastHeartbeat.at : 0);
      if (snapshot.ttlMs !== undefined && snapshot.generatedAt - newest > snapshot.ttlMs) {
        td.classList.add("stale");
        const silent = ms(snapshot.generatedAt - newest);
        td.querySelector("small").before(tag("stale", "no signal for " + silent + ": clients here go by the overall verdict"));
      }
    }
  }
  $("grid-empty").hidden = colos.length > 0;
}

function place(row, scope, value, reason, lines, kind) {
  const td = el("td", { "data-colo": scope, title: reason || undefined });
  td.append(verdict("span", value), evidence(kind));
  for (const line of lines) td.append(el("small", {}, line));
  if (reason) td.append(el("small", { class: "reason" }, reason));
  row.append(td);
  return td;
}

// What a location's clients saw: calls over the hub's window, how the failed ones failed,
// how many hold it out of rotation, and its last edge heartbeat.
function details(where, now) {
  const lines = [];
  if (where.calls > 0) {
    lines.push(percent(where.successRate, 0) + " of " + where.calls + " calls ok");
    const failed = [[where.failures, "failed"], [where.networkErrors, "no connection"], [where.timeouts, "timed out"]]
      .filter(([n]) => n > 0).map(([n, what]) => n + " " + what);
    if (failed.length) lines.push(failed.join(", "));
  }
  const out = where.outOfRotation;
  if (out && out.answers + out.unreachable > 0) {
    lines.push(percent(out.answers + out.unreachable, 0) + " of its clients hold it out of rotation");
  }
  if (where.lastHeartbeat) lines.push("heartbeat " + outcome(where.lastHeartbeat, now));
  return lines;
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
