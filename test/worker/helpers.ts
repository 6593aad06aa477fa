import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { inject } from "vitest";
import type { HubConfigInput, HubSnapshot } from "../../src/protocol";

/** The tokens vitest.config.ts binds for the workers project. */
export const TOKENS = { read: "test-read", report: "test-report", admin: "test-admin" } as const;

/** A service name no other test uses (storage is shared within a test file). */
export const uniqueService = (prefix = "svc") => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;

/** A URL on the local upstream server that global-setup.ts started. */
export const upstream = (path: string) => `http://127.0.0.1:${inject("upstreamPort")}${path}`;

/** The Durable Object stub of a service. */
export const hubOf = (service: string) => env.HUB.get(env.HUB.idFromName(service));

/** Calls the hub Worker in-process. */
export function call(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: BodyInit | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  return exports.default.fetch(`http://hub.test${path}`, { method, headers, body });
}

/**
 * PUTs a config with the admin token and checks it was accepted. The first heartbeat is
 * then due within a second; unless `holdAlarm` is false it is pushed ten minutes out, so it
 * cannot fire on its own in the middle of a test (`runDurableObjectAlarm` still runs it).
 */
export async function configure(
  service: string,
  config: HubConfigInput,
  { holdAlarm = true } = {},
): Promise<void> {
  const res = await call("PUT", `/v1/services/${service}/config`, {
    token: TOKENS.admin,
    body: config,
  });
  if (res.status !== 200 && res.status !== 201)
    throw new Error(`config: ${res.status} ${await res.text()}`);
  if (holdAlarm) {
    await runInDurableObject(hubOf(service), (_hub, state) =>
      state.storage.setAlarm(Date.now() + 600_000),
    );
  }
}

/** GETs the snapshot with the read token (no lease). */
export async function snapshot(service: string): Promise<HubSnapshot> {
  const res = await call("GET", `/v1/services/${service}/health`, { token: TOKENS.read });
  if (res.status !== 200) throw new Error(`health: ${res.status} ${await res.text()}`);
  return (await res.json()) as HubSnapshot;
}

/** POSTs a report with the report token. */
export function report(service: string, body: unknown): Promise<Response> {
  return call("POST", `/v1/services/${service}/reports`, { token: TOKENS.report, body });
}

/** Sets what `/switch/:name` answers on the local upstream server. */
export async function setSwitch(name: string, status: number): Promise<void> {
  await fetch(upstream(`/__switch/${name}/${status}`), { method: "PUT" });
}

/** The paths requested on the local upstream server that start with `prefix`. */
export async function hits(prefix: string): Promise<string[]> {
  return (await (
    await fetch(upstream(`/__hits?prefix=${encodeURIComponent(prefix)}`))
  ).json()) as string[];
}

/** Waits (bounded) until the service's object has written everything it staged. */
export async function flushed(service: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const staged = await runInDurableObject(
      hubOf(service),
      (hub) => (hub as unknown as { store: { staged: boolean } }).store.staged,
    );
    if (!staged) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("never flushed");
}

/**
 * Runs `request` while the service's object has broken state, so it fails inside (a 500
 * and a "hub error" log line), then puts the state back.
 */
export async function withBrokenObject<T>(service: string, request: () => Promise<T>): Promise<T> {
  type Inside = { state: unknown; cached: unknown };
  const saved = await runInDurableObject(hubOf(service), (hub) => {
    const inside = hub as unknown as Inside;
    const state = inside.state;
    inside.state = { config: null };
    inside.cached = null;
    return state;
  });
  try {
    return await request();
  } finally {
    await runInDurableObject(hubOf(service), (hub) => {
      (hub as unknown as Inside).state = saved;
    });
  }
}
