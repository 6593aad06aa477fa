/**
 * The up/down timelines, served as the browser module `/dashboard/timeline.js`: per
 * upstream a figure with one lane for the overall verdict, one for the operator's drain
 * (when there is one to show), one for the hub's heartbeats and one per location, over the
 * chosen window, drawn from the event log. Each verdict
 * has its own texture as well as its colour, each segment a tooltip, each lane a text
 * alternative; time the page has no events for is drawn as "no data", not guessed.
 *
 * @example
 * ```ts
 * app.get("/dashboard/timeline.js", (c) => c.body(TIMELINE_JS)); // one of DASHBOARD_SCRIPTS
 * ```
 */
export const TIMELINE_JS = `// Up/down timelines from the event log: one lane per vantage point.
import { $, el, svg, verdict } from "./dom.js";
import { clock, minutes, ms, percent } from "./format.js";
import { lanesOf, segments, shares } from "./model.js";

const MAX_LANES = 10;
// Lanes of lanesOf() that are not locations.
const NOT_LOCATIONS = new Set(["global", "hub", "drain"]);
// Textures defined once in the page (<svg id="patterns">), so verdicts differ by more than colour.
const TEXTURE = { down: "url(#hatch)", degraded: "url(#dots)", unknown: "url(#lines)", drained: "url(#bars)" };

export function renderTimelines(snapshot, log, now, windowMs) {
  const from = now - windowMs;
  const box = $("timelines");
  box.replaceChildren();
  for (const u of snapshot.upstreams) box.append(timeline(u, lanesOf(log, u.url), from, now, log.coveredFrom));
}

function timeline(u, lanes, from, to, coveredFrom) {
  const rows = [["global", "Overall", u.verdict], ["hub", "Hub heartbeats", u.heartbeat.verdict]];
  const colos = new Set(Object.keys(u.locations));
  for (const [scope, events] of lanes) {
    if (!NOT_LOCATIONS.has(scope) && events.some((e) => e.at > from)) colos.add(scope);
  }
  for (const colo of [...colos].sort()) rows.push([colo, colo, u.locations[colo] ? u.locations[colo].verdict : "unknown"]);
  // The operator's drain, when it is on or changed within the window.
  const drains = lanes.get("drain") || [];
  if (u.drain || drains.some((e) => e.at > from)) rows.splice(1, 0, ["drain", "Drained", u.drain ? "drained" : "serving"]);

  const overall = segments(lanes.get("global") || [], u.verdict, from, to, coveredFrom);
  const caption = el("figcaption", {}, el("span", { class: "url" }, u.url), " ", verdict("span", u.verdict),
    el("span", { class: "muted" }, " " + summary(overall, to - from)));
  const grid = el("div", { class: "lanes" });
  for (const [scope, label, current] of rows.slice(0, MAX_LANES)) {
    const parts = scope === "global" ? overall : segments(lanes.get(scope) || [], current, from, to, coveredFrom);
    grid.append(el("span", { class: "lane-label" }, label), lane(parts, from, to, to, label, scope));
  }
  if (rows.length > MAX_LANES) {
    grid.append(el("span"), el("small", {}, "+" + (rows.length - MAX_LANES) + " more locations: see the grid above"));
  }
  grid.append(el("span"), axis(from, to));
  return el("figure", { class: "timeline", "data-url": u.url }, caption, grid);
}

function lane(parts, from, to, now, label, scope) {
  const words = label + ", last " + minutes(to - from) + ": " + parts.map((s) => describe(s, now)).join("; ") + ".";
  const picture = svg("svg", { class: "lane" + (scope === "global" ? " main" : ""), "data-scope": scope, role: "img", "aria-label": words });
  const span = Math.max(1, to - from);
  for (const s of parts) {
    const box = { x: pct((s.from - from) / span), y: 0, width: pct((s.to - s.from) / span), height: "100%" };
    const name = s.verdict || "nodata";
    picture.append(svg("rect", Object.assign({ class: "seg " + name, "data-verdict": name }, box), svg("title", {}, describe(s, now))));
    if (TEXTURE[s.verdict]) picture.append(svg("rect", Object.assign({ class: "texture", fill: TEXTURE[s.verdict] }, box)));
  }
  return picture;
}

function axis(from, to) {
  const mid = from + (to - from) / 2;
  return el("div", { class: "axis", "aria-hidden": "true" },
    el("span", { title: clock(from) }, "−" + minutes(to - from)),
    el("span", { title: clock(mid) }, "−" + minutes((to - from) / 2)),
    el("span", { title: clock(to) }, "now"));
}

function summary(parts, windowMs) {
  const { known, ...share } = shares(parts);
  const words = Object.keys(share).sort((a, b) => share[b] - share[a]).map((v) => v + " " + percent(share[v], 0));
  const changes = Math.max(0, parts.filter((s) => s.verdict !== null).length - 1);
  const over = known >= windowMs * 0.99 ? "of the last " + minutes(windowMs) : "of the " + ms(known) + " known in the last " + minutes(windowMs);
  return (words.length ? words.join(", ") + " " + over : "no data in the last " + minutes(windowMs)) +
    (changes ? ", " + changes + (changes === 1 ? " change" : " changes") : ", no change");
}

function describe(s, now) {
  const until = s.to >= now ? "now" : clock(s.to);
  return (s.verdict || "no data") + " " + clock(s.from) + "–" + until + " (" + ms(s.to - s.from) + ")" +
    (s.reason ? ": " + s.reason : "");
}

const pct = (share) => (share * 100).toFixed(3) + "%";
`;
