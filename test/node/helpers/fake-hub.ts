import type { ServerResponse } from "node:http";
import { type LocalServer, type ReceivedRequest, startServer } from "./local-server";

/** How the fake hub answers: as the real one would, or broken in one of several ways. */
export type FakeHubMode = "ok" | "500" | "garbage" | "slow" | "hang";

export interface FakeUpstream {
  url: string;
  verdict?: "up" | "down" | "degraded" | "unknown";
  drain?: boolean;
  latencyEwmaMs?: number | null;
  locations?: Record<string, Record<string, unknown>>;
}

export interface FakeHub {
  server: LocalServer;
  url: string;
  mode: FakeHubMode;
  /** How long "slow" waits before answering, ms (real time). */
  slowMs: number;
  /** The snapshot's content; bump {@link version} after changing it. */
  upstreams: FakeUpstream[];
  version: number;
  ttlMs: number | undefined;
  /** A lease handed out with the next snapshot (then cleared). */
  lease: Record<string, unknown> | undefined;
  /** Status for reports (202 normally). */
  reportStatus: number;
  /** Statuses for the next reports, used up one per report before `reportStatus`. */
  nextReportStatuses: number[];
  snapshots(): ReceivedRequest[];
  reports(): Array<{ headers: ReceivedRequest["headers"]; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

/**
 * A stand-in for the health hub on 127.0.0.1, speaking its wire format (snapshots with ETag
 * and 304, reports answered 202), which tests can break on purpose. The real hub is used by
 * the integration tests; this one lets unit tests script every answer.
 */
export async function startFakeHub(service = "svc"): Promise<FakeHub> {
  const hub: FakeHub = {
    server: undefined as unknown as LocalServer,
    url: "",
    mode: "ok",
    slowMs: 5_000,
    upstreams: [],
    version: 1,
    ttlMs: undefined,
    lease: undefined,
    reportStatus: 202,
    nextReportStatuses: [],
    snapshots: () => hub.server.requests.filter((r) => r.method === "GET"),
    reports: () =>
      hub.server.requests
        .filter((r) => r.method === "POST")
        .map((r) => ({ headers: r.headers, body: JSON.parse(r.body) as Record<string, unknown> })),
    close: () => hub.server.close(),
  };
  const answer = async (req: ReceivedRequest, res: ServerResponse) => {
    if (hub.mode === "hang") return;
    if (hub.mode === "slow") await new Promise((resolve) => setTimeout(resolve, hub.slowMs));
    if (hub.mode === "500") {
      res.writeHead(500, { "content-type": "application/json" });
      return res.end(JSON.stringify({ error: "internal error" }));
    }
    if (hub.mode === "garbage") {
      res.writeHead(200, { "content-type": "application/json", etag: '"x"' });
      return res.end("{not json");
    }
    const path = new URL(req.url, "http://x").pathname;
    if (req.method === "POST" && path === `/v1/services/${service}/reports`) {
      const status = hub.nextReportStatuses.shift() ?? hub.reportStatus;
      res.writeHead(status, { "content-type": "application/json" });
      return res.end(
        JSON.stringify(
          status === 202
            ? { accepted: { upstreams: 1, heartbeats: 0 }, version: hub.version }
            : { error: "refused" },
        ),
      );
    }
    if (req.method === "GET" && path === `/v1/services/${service}/health`) {
      const lease = hub.lease;
      hub.lease = undefined;
      const etag = lease ? `"${hub.version}-${lease.id}"` : `"${hub.version}"`;
      if (!lease && req.headers["if-none-match"] === etag) {
        res.writeHead(304, { etag });
        return res.end();
      }
      res.writeHead(200, { "content-type": "application/json", etag });
      return res.end(JSON.stringify(snapshotBody(hub, service, lease)));
    }
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: "not found" }));
  };
  hub.server = await startServer(answer);
  hub.url = hub.server.url;
  return hub;
}

function snapshotBody(hub: FakeHub, service: string, lease: Record<string, unknown> | undefined) {
  return {
    service,
    version: hub.version,
    generatedAt: Date.now(),
    ...(hub.ttlMs === undefined ? {} : { ttlMs: hub.ttlMs }),
    heartbeat: { interval: 10_000, timeout: 2_000, rise: 2, fall: 3 },
    upstreams: hub.upstreams.map((u) => ({
      url: u.url,
      weight: 1,
      drain: u.drain ?? false,
      verdict: u.verdict ?? "up",
      since: 0,
      reason: "test",
      latencyEwmaMs: u.latencyEwmaMs ?? null,
      locations: u.locations ?? {},
    })),
    ...(lease ? { lease } : {}),
  };
}
