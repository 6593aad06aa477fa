/**
 * How the dashboard writes durations, shares and times, served as the browser module
 * `/dashboard/format.js`. No imports, no DOM.
 *
 * @example
 * ```ts
 * app.get("/dashboard/format.js", (c) => c.body(FORMAT_JS)); // one of DASHBOARD_SCRIPTS
 * ```
 */
export const FORMAT_JS = String.raw`// Text for durations, shares and times; "—" where there is nothing to say.
export const ms = (value) => {
  if (value === null || value === undefined) return "—";
  if (value < 1000) return value.toFixed(value < 10 ? 1 : 0) + " ms";
  const s = value / 1000;
  if (s < 120) return s.toFixed(1) + " s";
  const m = s / 60;
  return m < 120 ? m.toFixed(0) + " min" : (m / 60).toFixed(1) + " h";
};

export const percent = (value, digits) =>
  value === null || value === undefined ? "—" : (value * 100).toFixed(digits === undefined ? 2 : digits) + "%";

export const time = (at) =>
  at > 0 ? new Date(at).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z") : "—";

// Local wall-clock time of day, for axis labels and tooltips.
export const clock = (at) => new Date(at).toLocaleTimeString([], { hour12: false });

export const ago = (at, now) => (at > 0 ? ms(Math.max(0, now - at)) + " ago" : "—");

export const minutes = (windowMs) => Math.round(windowMs / 60000) + " min";
`;
