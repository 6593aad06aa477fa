/**
 * The dashboard's HTML, served at `/dashboard`. Static: it holds no data, no inline script
 * and no `style` attribute (the Content-Security-Policy allows neither). The SVG patterns
 * that give each verdict its own texture are defined here once and referenced by the
 * timelines and the legend.
 *
 * @example
 * ```ts
 * app.get("/dashboard", (c) => c.html(DASHBOARD_PAGE));
 * ```
 */
export const DASHBOARD_PAGE = String.raw`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Health hub</title>
<link rel="stylesheet" href="/dashboard.css">
<script type="module" src="/dashboard/main.js"></script>
</head>
<body>
<svg id="patterns" aria-hidden="true" focusable="false" width="0" height="0">
  <defs>
    <pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect class="ink" width="2.5" height="6"/></pattern>
    <pattern id="dots" width="5" height="5" patternUnits="userSpaceOnUse"><circle class="ink" cx="2.5" cy="2.5" r="1.2"/></pattern>
    <pattern id="lines" width="6" height="4" patternUnits="userSpaceOnUse"><rect class="ink" width="6" height="1.2"/></pattern>
    <pattern id="bars" width="5" height="6" patternUnits="userSpaceOnUse"><rect class="ink" width="1.5" height="6"/></pattern>
  </defs>
</svg>
<header>
  <h1>Health hub</h1>
  <form id="login" autocomplete="off">
    <label>Service <input id="service" name="service" required pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,63}"></label>
    <label>Read token <input id="token" name="token" type="password" required></label>
    <button type="submit">Show</button>
  </form>
  <p id="status" role="status"></p>
</header>
<main hidden id="view">
  <h2 id="title"></h2>
  <p id="meta" class="muted"></p>

  <section aria-labelledby="upstreams-heading">
    <h3 id="upstreams-heading">Upstreams</h3>
    <div class="scroll"><table id="upstreams">
      <thead><tr>
        <th scope="col">Upstream</th><th scope="col">Verdict</th><th scope="col">Since</th><th scope="col">Reason</th>
        <th scope="col">Success</th><th scope="col">Calls</th>
        <th scope="col">Latency</th>
        <th scope="col">Availability</th><th scope="col">MTBF</th><th scope="col">MTTR</th>
      </tr></thead>
      <tbody></tbody>
    </table></div>
    <p class="muted note">Latency: the bold figure and solid line are the hub's latency EWMA (reported calls and heartbeats);
      "hub" and the dashed line are the hub's own heartbeats, a cross marks a failed one. Sampled by this page since it opened.</p>
  </section>

  <section aria-labelledby="grid-heading">
    <h3 id="grid-heading">Verdicts by location</h3>
    <p id="grid-empty" class="muted" hidden>No location has reported yet: the hub's own heartbeats are all it knows.</p>
    <div class="scroll"><table id="grid"><thead></thead><tbody></tbody></table></div>
  </section>

  <section aria-labelledby="timeline-heading">
    <div class="section-head">
      <h3 id="timeline-heading">Timeline</h3>
      <label>Window <select id="window">
        <option value="2">last 2 min</option>
        <option value="10" selected>last 10 min</option>
        <option value="30">last 30 min</option>
        <option value="60">last 60 min</option>
      </select></label>
      <ul class="legend" aria-label="Legend">
        <li><svg class="swatch" width="28" height="12" aria-hidden="true"><rect class="seg up" width="100%" height="100%"/></svg>up</li>
        <li><svg class="swatch" width="28" height="12" aria-hidden="true"><rect class="seg degraded" width="100%" height="100%"/><rect class="texture" fill="url(#dots)" width="100%" height="100%"/></svg>degraded</li>
        <li><svg class="swatch" width="28" height="12" aria-hidden="true"><rect class="seg down" width="100%" height="100%"/><rect class="texture" fill="url(#hatch)" width="100%" height="100%"/></svg>down</li>
        <li><svg class="swatch" width="28" height="12" aria-hidden="true"><rect class="seg unknown" width="100%" height="100%"/><rect class="texture" fill="url(#lines)" width="100%" height="100%"/></svg>unknown</li>
        <li><svg class="swatch" width="28" height="12" aria-hidden="true"><rect class="seg drained" width="100%" height="100%"/><rect class="texture" fill="url(#bars)" width="100%" height="100%"/></svg>drained by the operator</li>
        <li><svg class="swatch" width="28" height="12" aria-hidden="true"><rect class="seg nodata" width="100%" height="100%"/></svg>no data in the log</li>
      </ul>
    </div>
    <div id="timelines"></div>
  </section>

  <section aria-labelledby="events-heading">
    <h3 id="events-heading">Events</h3>
    <div class="scroll"><table id="events">
      <thead><tr><th scope="col">When</th><th scope="col">Upstream</th><th scope="col">Scope</th><th scope="col">Change</th><th scope="col">Reason</th></tr></thead>
      <tbody></tbody>
    </table></div>
    <button id="older" type="button" hidden>Older events</button>
  </section>
</main>
</body>
</html>
`;
