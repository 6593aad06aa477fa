/**
 * The dashboard's stylesheet, served at `/dashboard.css`. Colours come in a light and a
 * dark set; every verdict also has a shape (in text) and a texture (in the timelines).
 *
 * @example
 * ```ts
 * app.get("/dashboard.css", (c) => c.body(DASHBOARD_STYLE));
 * ```
 */
export const DASHBOARD_STYLE = `:root {
  color-scheme: light dark;
  font: 14px/1.4 system-ui, sans-serif;
  --up: #1b7f3b; --down: #c62828; --degraded: #b86e00; --unknown: #757575;
  --nodata: #8882; --line: #8884; --muted: #666; --ink: #fffa; --drained: #5c6bc0;
}
@media (prefers-color-scheme: dark) {
  :root { --up: #4caf6e; --down: #ef5350; --degraded: #f0a030; --unknown: #9e9e9e; --muted: #aaa; --ink: #0009; --drained: #8c9eff; }
}
body { margin: 1rem 2rem; max-width: 110rem; }
header { display: flex; flex-wrap: wrap; align-items: baseline; gap: .5rem 2rem; }
h1 { font-size: 1.4rem; margin: 0; }
h2 { margin: .5rem 0 0; }
h3 { font-size: 1.05rem; margin: 1.5rem 0 .4rem; }
form { display: flex; flex-wrap: wrap; gap: .75rem; align-items: baseline; }
.muted { color: var(--muted); }
.error { color: var(--down); }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { font-weight: 600; white-space: nowrap; }
td small, th small { display: block; color: var(--muted); }
.url { font-family: ui-monospace, monospace; overflow-wrap: anywhere; min-width: 18rem; }
.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
.reason { max-width: 22rem; }
.verdict { font-weight: 600; white-space: nowrap; }
.verdict .mark { display: inline-block; width: 1.1em; text-align: center; }
.up { color: var(--up); } .down { color: var(--down); } .degraded { color: var(--degraded); }
.unknown { color: var(--unknown); } .drained { color: var(--drained); }

#grid th[scope="row"] { font-family: ui-monospace, monospace; font-weight: normal; overflow-wrap: anywhere; min-width: 18rem; }
#grid td { min-width: 8rem; max-width: 16rem; border-left: 3px solid transparent; }
#grid td:has(> .verdict) { background: #8881; }
#grid td:has(> .verdict.up) { border-left-color: var(--up); }
#grid td:has(> .verdict.down) { border-left-color: var(--down); }
#grid td:has(> .verdict.degraded) { border-left-color: var(--degraded); }
#grid td:has(> .verdict.unknown) { border-left-color: var(--unknown); }
#grid td.none { color: var(--muted); }
#grid .reason { font-size: .85em; }
.tag { display: inline-block; margin-left: .4rem; font-size: .8em; border: 1px solid var(--line); border-radius: .2rem; padding: 0 .25rem; color: var(--muted); }
td.stale > .verdict { opacity: .6; }

.spark { display: flex; flex-direction: column; gap: .1rem; min-width: 8rem; }
.spark .figures { white-space: nowrap; }
.sparkline { overflow: visible; }
.sparkline polyline { fill: none; stroke-width: 1.5; }
.sparkline .ewma { stroke: currentColor; }
.sparkline .frame { fill: #8881; }
.sparkline .beats { stroke: var(--muted); stroke-dasharray: 3 2; }
.sparkline .failed { stroke: var(--down); stroke-width: 1.5; }

.section-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: .5rem 1.5rem; }
.section-head h3 { margin-right: .5rem; }
.legend { display: flex; flex-wrap: wrap; gap: .3rem 1rem; list-style: none; margin: 0; padding: 0; }
.legend li { display: flex; align-items: center; gap: .35rem; }
#patterns { position: absolute; width: 0; height: 0; }
.ink { fill: var(--ink); }
.seg.up { fill: var(--up); } .seg.down { fill: var(--down); } .seg.degraded { fill: var(--degraded); }
.seg.unknown { fill: var(--unknown); } .seg.nodata { fill: var(--nodata); }
.seg.drained { fill: var(--drained); } .seg.serving { fill: transparent; }
.texture { pointer-events: none; }

.timeline { margin: 0 0 1rem; padding: .5rem .75rem; border: 1px solid var(--line); border-radius: .4rem; }
.timeline figcaption { margin-bottom: .35rem; }
.timeline figcaption .url { font-weight: 600; margin-right: .5rem; }
.lanes { display: grid; grid-template-columns: 8rem 1fr; gap: 2px .75rem; align-items: center; }
.lane-label { font-size: .85em; color: var(--muted); text-align: right; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.lane { display: block; width: 100%; height: 10px; }
.lane.main { height: 20px; }
.axis { display: flex; justify-content: space-between; font-size: .8em; color: var(--muted); }

#older { margin-top: .5rem; }
.note { font-size: .85em; margin: .3rem 0 0; }
`;
