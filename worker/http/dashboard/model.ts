/**
 * The dashboard's page memory and the pure arithmetic behind its pictures, served as the
 * browser module `/dashboard/model.js`. It has no imports and touches no DOM, so tests can
 * load it in Node from a `data:` URL.
 *
 * - The event log is kept as one contiguous run of ids (newest first from the API, paged
 *   with `before`): `coveredFrom` is the time before which the page knows nothing, or
 *   `-Infinity` once it has reached the start of the hub's log.
 * - A lane (one upstream seen from one scope: `global`, `hub` or a location; or its drain
 *   state) becomes segments of constant verdict over a time window. Time the page knows nothing about is a
 *   segment with `verdict: null`, never a guess.
 * - Latency samples come from the snapshots the page polls: the upstream's latency EWMA
 *   (reported calls and successful heartbeats) per snapshot, and the hub's own heartbeats
 *   (one point each, failures marked).
 *
 * @example
 * ```ts
 * const { segments } = await import(`data:text/javascript,${encodeURIComponent(MODEL_JS)}`);
 * segments([], "up", 0, 60_000, -Infinity); // [{ from: 0, to: 60000, verdict: "up", reason: null }]
 * ```
 */
export const MODEL_JS = `// Page memory of the dashboard, and the arithmetic behind its timeline and sparklines.
export const MAX_EVENTS = 2000;
export const MAX_SAMPLES = 1800;

export function createLog() {
  return { events: [], coveredFrom: Infinity };
}

// Brings the log up to date through getPage(before, limit) -> { events (newest first), next }:
// newer events from the top until a known id (or the start of the hub's log), then older
// ones until the log covers windowStart. A run that cannot meet the known one within
// maxPages replaces it, so the log never has a hole. Returns the number of pages read.
// Once the log holds events, the first read asks for a few only: usually nothing is new.
export const HEAD_LIMIT = 10;

export async function syncEvents(log, getPage, windowStart, maxPages) {
  const newest = log.events.length ? log.events[log.events.length - 1].id : 0;
  const fetched = [];
  let pages = 0;
  let before;
  let met = false;
  let end = false;
  while (pages < maxPages && !met && !end) {
    const page = await getPage(before, pages === 0 && log.events.length ? HEAD_LIMIT : undefined);
    pages++;
    fetched.push(...page.events.filter((e) => e.id > newest));
    // An empty log has nothing to meet: the older pages are read down to the window only.
    met = log.events.length === 0 || page.events.some((e) => e.id <= newest);
    end = page.next === null;
    before = page.next;
  }
  if (!met && !end) {
    log.events = [];
    log.coveredFrom = Infinity;
  }
  merge(log, fetched, end);
  while (pages < maxPages && log.coveredFrom > windowStart && log.events.length) {
    pages++;
    await older(log, getPage);
  }
  return pages;
}

// Reads one page below the oldest known event.
export async function older(log, getPage) {
  const page = await getPage(log.events.length ? log.events[0].id : undefined);
  merge(log, page.events, page.next === null);
}

function merge(log, events, end) {
  const known = new Set(log.events.map((e) => e.id));
  log.events = log.events.concat(events.filter((e) => !known.has(e.id)));
  log.events.sort((a, b) => a.id - b.id);
  if (log.events.length > MAX_EVENTS) {
    log.events = log.events.slice(log.events.length - MAX_EVENTS);
    log.coveredFrom = log.events[0].at;
  } else if (end) log.coveredFrom = -Infinity;
  else if (log.events.length && log.coveredFrom !== -Infinity) log.coveredFrom = log.events[0].at;
}

export function newestFirst(log, count) {
  return log.events.slice(Math.max(0, log.events.length - count)).reverse();
}

// Events of one upstream grouped by lane, oldest first: verdict changes by scope, and
// the operator's drain and undrain (kind "drain"/"undrain") as a "drain" lane whose
// states are "drained" and "serving".
export function lanesOf(log, url) {
  const lanes = new Map();
  const add = (lane, e) => {
    if (!lanes.has(lane)) lanes.set(lane, []);
    lanes.get(lane).push(e);
  };
  for (const e of log.events) {
    if (e.upstream !== url) continue;
    if (e.kind === "drain" || e.kind === "undrain") {
      const drained = e.kind === "drain";
      add("drain", Object.assign({}, e, { from: drained ? "serving" : "drained", to: drained ? "drained" : "serving" }));
    } else {
      add(e.scope, e);
    }
  }
  return lanes;
}

// Constant-verdict segments of one lane over [from, to]. "events" are that lane's, oldest
// first; "current" is the lane's verdict now (from the snapshot).
export function segments(events, current, from, to, coveredFrom) {
  const out = [];
  const start = Math.min(to, Math.max(from, coveredFrom));
  if (start > from) out.push({ from, to: start, verdict: null, reason: null });
  let before = null;
  let after = null;
  for (const e of events) {
    if (e.at <= start) before = e;
    else if (after === null) after = e;
  }
  // With the whole log known, a lane's first event is where the hub started judging it.
  const born = !before && after && coveredFrom === -Infinity && after.from === "unknown";
  let verdict = before ? before.to : born ? null : after ? after.from : current;
  let reason = before ? before.reason : null;
  let t = start;
  for (const e of events) {
    if (e.at <= start || e.at > to) continue;
    if (e.at > t) out.push({ from: t, to: e.at, verdict, reason });
    verdict = e.to;
    reason = e.reason;
    t = e.at;
  }
  if (to > t) out.push({ from: t, to, verdict, reason });
  return out;
}

// Share of the known time per verdict, and how much time is known:
// { known: 60000, up: 0.9, down: 0.1 }. Time without data is left out.
export function shares(parts) {
  const totals = {};
  let known = 0;
  for (const s of parts) {
    if (s.verdict === null) continue;
    totals[s.verdict] = (totals[s.verdict] || 0) + (s.to - s.from);
    known += s.to - s.from;
  }
  const out = { known };
  for (const v of Object.keys(totals)) out[v] = known > 0 ? totals[v] / known : 0;
  return out;
}

export function createSamples() {
  return new Map();
}

// Records what one snapshot says about latency: the hub's EWMA at generatedAt, and its
// last heartbeat once per heartbeat. Drops samples older than keepFrom.
export function recordSamples(samples, snapshot, keepFrom) {
  for (const u of snapshot.upstreams) {
    let s = samples.get(u.url);
    if (!s) samples.set(u.url, (s = { ewma: [], beats: [] }));
    if (u.latencyEwmaMs !== null && u.latencyEwmaMs !== undefined) {
      s.ewma.push({ at: snapshot.generatedAt, ms: u.latencyEwmaMs, ok: true });
    }
    const beat = u.heartbeat && u.heartbeat.last;
    const lastBeat = s.beats[s.beats.length - 1];
    if (beat && (!lastBeat || beat.at > lastBeat.at)) {
      s.beats.push({ at: beat.at, ms: beat.latencyMs, ok: beat.ok });
    }
    s.ewma = trim(s.ewma, keepFrom);
    s.beats = trim(s.beats, keepFrom);
  }
}

function trim(series, keepFrom) {
  let i = 0;
  while (i < series.length && series[i].at < keepFrom) i++;
  return series.slice(Math.max(i, series.length - MAX_SAMPLES));
}

// Summary of the samples in [from, to]: count, min, max, last and failures.
export function summarize(series, from, to) {
  const seen = series.filter((p) => p.at >= from && p.at <= to);
  if (!seen.length) return null;
  const values = seen.map((p) => p.ms);
  return {
    count: seen.length,
    min: Math.min(...values),
    max: Math.max(...values),
    last: values[values.length - 1],
    failed: seen.filter((p) => !p.ok).length,
    first: seen[0].at,
  };
}

// Polyline points for one series in a width x height box over [from, to], values scaled
// to [0, max]; the last value is carried to "to" (nothing newer means nothing changed).
export function sparkPoints(series, from, to, max, width, height) {
  const x = (at) => ((at - from) / Math.max(1, to - from)) * width;
  const y = (ms) => height - (Math.min(ms, max) / Math.max(max, 1e-9)) * height;
  const seen = series.filter((p) => p.at >= from && p.at <= to);
  const points = seen.map((p) => [x(p.at), y(p.ms)]);
  if (points.length) points.push([width, points[points.length - 1][1]]);
  return points.map(([px, py]) => px.toFixed(1) + "," + py.toFixed(1)).join(" ");
}
`;
