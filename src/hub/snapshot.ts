import type { HubBreakerHint, HubVerdict } from "../protocol";

/** One verdict as the client keeps it: from a location or the global one. */
export interface RemoteVerdict {
  verdict: HubVerdict;
  breakerHint: HubBreakerHint;
  latencyMs: number | null;
  /** The hub's time of the newest signal behind it (`null`: none, or the global verdict). */
  signalAt: number | null;
}

/** One upstream of a snapshot, reduced to what the client applies. */
export interface RemoteUpstream {
  url: string;
  drain: boolean;
  global: RemoteVerdict;
  /** This client's location's verdict, when the snapshot has one. */
  location: RemoteVerdict | undefined;
}

/** A probe lease, as the client runs it. */
export interface RemoteLease {
  id: string;
  colo: string;
  timeout: number;
  targets: { url: string; probeUrl: string; expectedStatus: number[] }[];
}

/** A snapshot, checked and reduced to what the client applies. */
export interface RemoteSnapshot {
  version: number;
  generatedAt: number;
  /** The hub's TTL for remote state, when it sent one. */
  ttlMs: number | undefined;
  upstreams: RemoteUpstream[];
  lease: RemoteLease | undefined;
}

const VERDICTS: readonly string[] = ["up", "down", "degraded", "unknown"];
const HINTS: readonly string[] = ["closed", "half-open", "open"];

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isTime = (value: unknown): value is number =>
  typeof value === "number" && Number.isFinite(value) && value >= 0;
const timeOrNull = (value: unknown) => (isTime(value) ? value : null);

/** Thrown (and caught by the sync loop) for a body that is not a usable snapshot. */
class SnapshotError extends TypeError {
  override name = "SnapshotError";
}

function fail(message: string): never {
  throw new SnapshotError(`invalid snapshot: ${message}`);
}

function verdictOf(raw: unknown, signalAt: number | null, where: string): RemoteVerdict {
  if (!isObject(raw)) fail(`${where} is not an object`);
  const verdict = raw.verdict;
  if (typeof verdict !== "string" || !VERDICTS.includes(verdict)) fail(`${where}.verdict`);
  const hint = raw.breakerHint;
  const breakerHint = (
    typeof hint === "string" && HINTS.includes(hint)
      ? hint
      : verdict === "down"
        ? "open"
        : verdict === "degraded"
          ? "half-open"
          : "closed"
  ) as HubBreakerHint;
  const latency = raw.latencyEwmaMs;
  return {
    verdict: verdict as HubVerdict,
    breakerHint,
    latencyMs: isTime(latency) ? latency : null,
    signalAt,
  };
}

function locationOf(raw: unknown, where: string): RemoteVerdict {
  if (!isObject(raw)) fail(`${where} is not an object`);
  const heartbeat = isObject(raw.lastHeartbeat) ? timeOrNull(raw.lastHeartbeat.at) : null;
  const reported = timeOrNull(raw.reportedAt);
  const newest =
    heartbeat === null ? reported : reported === null ? heartbeat : Math.max(heartbeat, reported);
  return verdictOf(raw, newest, where);
}

function leaseOf(raw: unknown): RemoteLease | undefined {
  if (raw === undefined) return undefined;
  if (!isObject(raw) || typeof raw.id !== "string" || typeof raw.colo !== "string") fail("lease");
  if (!isTime(raw.timeout) || !Array.isArray(raw.targets)) fail("lease");
  const targets = raw.targets.map((target: unknown) => {
    if (
      !isObject(target) ||
      typeof target.url !== "string" ||
      typeof target.probeUrl !== "string" ||
      !Array.isArray(target.expectedStatus) ||
      !target.expectedStatus.every((status) => Number.isInteger(status))
    ) {
      fail("lease target");
    }
    return {
      url: target.url,
      probeUrl: target.probeUrl,
      expectedStatus: target.expectedStatus as number[],
    };
  });
  return { id: raw.id, colo: raw.colo, timeout: raw.timeout, targets };
}

/**
 * Parses a snapshot body from the hub, keeping only what the client applies: per upstream
 * the drain flag, the global verdict and the verdict of location `colo` (when known), with
 * the newest signal time behind it. Anything malformed throws a `TypeError`: a hub that
 * sends garbage is treated like one that cannot be reached, and its last good snapshot ages
 * out by its TTL.
 *
 * @example
 * ```ts
 * const snapshot = parseSnapshot(await res.text(), "AMS");
 * ```
 */
export function parseSnapshot(body: string, colo: string | undefined): RemoteSnapshot {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    fail("not JSON");
  }
  if (!isObject(raw)) fail("not an object");
  if (typeof raw.version !== "number" || !isTime(raw.generatedAt)) fail("version/generatedAt");
  if (!Array.isArray(raw.upstreams)) fail("upstreams");
  const lease = leaseOf(raw.lease);
  // A lease names the location the hub took this request for.
  const mine = colo ?? lease?.colo;
  const upstreams = raw.upstreams.map((entry: unknown, index) => {
    const where = `upstreams[${index}]`;
    if (!isObject(entry) || typeof entry.url !== "string") fail(where);
    const locations = isObject(entry.locations) ? entry.locations : {};
    const own = mine === undefined ? undefined : locations[mine];
    return {
      url: entry.url,
      drain: entry.drain === true,
      global: verdictOf(entry, null, where),
      location: own === undefined ? undefined : locationOf(own, `${where}.locations.${mine}`),
    };
  });
  const ttl = raw.ttlMs;
  return {
    version: raw.version,
    generatedAt: raw.generatedAt,
    ttlMs: isTime(ttl) && ttl > 0 ? ttl : undefined,
    upstreams,
    lease,
  };
}
