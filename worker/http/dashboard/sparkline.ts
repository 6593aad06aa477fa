/**
 * The latency sparkline of one upstream, served as the browser module
 * `/dashboard/sparkline.js`: the hub's latency EWMA (reported calls and successful
 * heartbeats) as a line and the hub's own heartbeats as a dashed line with a cross on each
 * failed one, over the samples this page has seen (it
 * keeps them in memory; the hub serves no latency history). Inline SVG with a text
 * alternative that says what the picture shows.
 *
 * @example
 * ```ts
 * app.get("/dashboard/sparkline.js", (c) => c.body(SPARKLINE_JS)); // one of DASHBOARD_SCRIPTS
 * ```
 */
export const SPARKLINE_JS = `// Latency sparkline: the hub's EWMA and its own heartbeats, as sampled since the page opened.
import { el, svg } from "./dom.js";
import { ms, minutes } from "./format.js";
import { sparkPoints, summarize } from "./model.js";

const W = 140;
const H = 30;
const PLOT = H - 8; // the bottom strip holds the crosses of failed heartbeats

export function sparkline(series, from, to) {
  const ewma = summarize(series.ewma, from, to);
  const beats = summarize(series.beats, from, to);
  const wrap = el("div", { class: "spark" });
  if (!ewma && !beats) {
    wrap.append(el("span", { class: "muted" }, "no samples yet"));
    return wrap;
  }
  const start = Math.min(ewma ? ewma.first : to, beats ? beats.first : to);
  const max = Math.max(ewma ? ewma.max : 0, beats ? beats.max : 0, 1);
  const top = max * 1.25; // headroom, so a flat line at the maximum does not sit on the edge
  const words = describe(ewma, beats, to - start);
  const picture = svg("svg", { class: "sparkline", viewBox: "0 0 " + W + " " + H, width: W, height: H, role: "img", "aria-label": words });
  picture.append(svg("title", {}, words), svg("rect", { class: "frame", width: W, height: PLOT }));
  if (beats) picture.append(line(series.beats, start, to, top, "beats"));
  if (ewma) picture.append(line(series.ewma, start, to, top, "ewma"));
  for (const p of series.beats) {
    if (p.ok || p.at < start) continue;
    const x = ((p.at - start) / Math.max(1, to - start)) * W;
    picture.append(svg("path", { class: "failed", d: "M" + (x - 3).toFixed(1) + "," + (H - 6) + " l5,5 m0,-5 l-5,5" }));
  }
  const figures = el("span", { class: "figures" });
  figures.append(el("strong", { title: "the hub's latency EWMA" }, ewma ? ms(ewma.last) : "—"));
  if (beats) figures.append(" · hub " + ms(beats.last));
  figures.append(el("span", { class: "muted" }, " max " + ms(max)));
  wrap.append(figures, picture);
  return wrap;
}

function line(series, from, to, max, className) {
  return svg("polyline", { class: className, points: sparkPoints(series, from, to, max, W, PLOT), "vector-effect": "non-scaling-stroke" });
}

function describe(ewma, beats, span) {
  const parts = ["Latency over the last " + (span < 60000 ? ms(span) : minutes(span)) + " seen by this page."];
  if (ewma) parts.push("EWMA: " + ms(ewma.last) + " now, " + ms(ewma.min) + " to " + ms(ewma.max) + ".");
  if (beats) {
    parts.push("Hub heartbeats: " + ms(beats.last) + " last, " + ms(beats.min) + " to " + ms(beats.max) +
      (beats.failed ? ", " + beats.failed + " of " + beats.count + " failed (crosses)." : ", none failed."));
  }
  return parts.join(" ");
}
`;
