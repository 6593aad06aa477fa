/**
 * The scenario every runtime runs (Node, Deno, Bun, workerd, Chromium): plain ESM JavaScript
 * with web-standard APIs only, so the same file loads everywhere. It takes the package's main
 * module (each host imports `resilient-fetch` its own way) and the local upstream URLs, runs
 * every case against the upstream server of test/runtimes/upstream-server.ts, and returns
 * plain JSON: what happened, not whether it was right. test/runtimes/scenario-tests.ts holds
 * the assertions, so all runtimes are held to the same ones.
 *
 * To add a case: add a function `(lib, env) => Promise<object>` to CASES and its assertions
 * to scenario-tests.ts.
 *
 * @example
 * ```js
 * import * as lib from "resilient-fetch";
 * const result = await runScenario(lib, { runtime: "node", base, dead });
 * ```
 */

/**
 * @typedef {{ runtime: string, base: string, dead: string }} ScenarioEnv
 * @typedef {Record<string, unknown>} CaseResult
 */

/** A 503, then a retry on the same upstream that succeeds. */
async function retry(lib, env) {
  const client = lib.createClient({
    upstreams: [env.base],
    retry: { attempts: 3, backoff: { initial: 1, max: 5 } },
  });
  const attempts = track(client, "attempt", (e) => ({ upstream: e.upstream, status: e.status }));
  const retries = track(client, "retry", (e) => ({ reason: e.reason, status: e.status }));
  const res = await client.fetch(`/flaky?key=${key(env, "retry")}`);
  const body = await res.json();
  await client.close();
  return { status: res.status, body, attempts, retries };
}

/** The first upstream refuses the connection; the retry goes to the second one. */
async function failover(lib, env) {
  const client = lib.createClient({
    upstreams: [env.dead, env.base],
    retry: { attempts: 2, backoff: { initial: 1, max: 5 } },
  });
  const attempts = track(client, "attempt", (e) => ({
    upstream: e.upstream,
    status: e.status,
    error: e.error === undefined ? undefined : errorName(e.error),
  }));
  // An absolute URL pins the first attempt to the upstream it names: the dead one.
  const res = await client.fetch(`${env.dead}/failover`);
  const body = await res.json();
  await client.close();
  return { status: res.status, body, attempts };
}

/** Smooth weighted round robin sends twice as many calls to the upstream of weight 2. */
async function balancer(lib, env) {
  const a = `${env.base}/u/a`;
  const b = `${env.base}/u/b`;
  const client = lib.createClient({
    upstreams: [{ url: a, weight: 2 }, b],
    balancer: "round-robin",
    slowStart: false,
    retry: false,
  });
  const statuses = [];
  for (let i = 0; i < 6; i++) {
    const res = await client.fetch("/balance");
    await res.arrayBuffer();
    statuses.push(res.status);
  }
  const requests = client.stats().upstreams.map((u) => [u.url, u.requests]);
  await client.close();
  return { statuses, requests };
}

/** The first attempt hangs; a hedge to the other upstream after 20 ms answers first. */
async function hedge(lib, env) {
  const a = `${env.base}/u/a`;
  const b = `${env.base}/u/b`;
  // No hedge budget: a fresh client has made no calls to earn a hedge from.
  const client = lib.createClient({
    upstreams: [a, b],
    retry: false,
    hedge: { delay: 20, budget: false },
  });
  const hedges = track(client, "hedge", (e) => ({ upstream: e.upstream, reason: e.reason }));
  const k = key(env, "hedge");
  const started = Date.now();
  const res = await client.fetch(`${a}/hedge?key=${k}`);
  const body = await res.json();
  const elapsedMs = Date.now() - started;
  await client.close();
  // The losing attempt is aborted: the server sees its client hang up.
  let state = { hits: 0, aborted: 0 };
  for (let i = 0; i < 50 && state.aborted === 0; i++) {
    state = await (await fetch(`${env.base}/__state?key=${k}`)).json();
    if (state.aborted === 0) await pause(20);
  }
  return { status: res.status, body, elapsedMs, hedges, server: state };
}

/** Five refused connections open the breaker; the sixth call fails fast without an attempt. */
async function breaker(lib, env) {
  const client = lib.createClient({
    upstreams: [env.dead],
    retry: false,
    breaker: { consecutiveFailures: 5, openFor: { initial: 5_000 } },
  });
  const transitions = track(client, "breaker", (e) => ({
    upstream: e.upstream,
    from: e.from,
    to: e.to,
    reason: e.reason,
  }));
  const attempts = track(client, "attempt", (e) => e.upstream);
  const errors = [];
  for (let i = 0; i < 6; i++) {
    try {
      const res = await client.fetch("/breaker");
      errors.push(`status ${res.status}`);
    } catch (error) {
      errors.push(errorName(error));
    }
  }
  await client.close();
  return { errors, transitions, attempts: attempts.length };
}

/**
 * Parts of fetch's contract every runtime must keep: a caller's bad input rejects at once and
 * never counts against the upstream, other schemes are refused, a path may carry `://` in its
 * query, init members set to `undefined` are ignored, an abort without a reason is an
 * AbortError, and `timeout.total` covers a body that stalls.
 */
async function contract(lib, env) {
  const client = lib.createClient({
    upstreams: [env.base],
    retry: { attempts: 3, backoff: { initial: 1, max: 5 } },
    timeout: { total: 1_000 },
  });
  const attempts = track(client, "attempt", (e) => e.status ?? errorName(e.error));
  const badInput = [];
  for (let i = 0; i < 6; i++) {
    badInput.push(await outcome(() => client.fetch("/contract", { headers: { "bad name": "x" } })));
  }
  const afterBadInput = await outcome(() => client.fetch("/contract"));
  const dataUrl = await outcome(() => client.fetch("data:,hello"));
  const queryPath = await outcome(() => client.fetch("contract?to=http://x.test/"));
  const request = new Request(`${env.base}/echo`, { method: "DELETE", headers: { "x-kept": "1" } });
  const undefinedMembers = await outcome(() =>
    client.fetch(request, { method: undefined, headers: undefined }),
  );
  const controller = new AbortController();
  controller.abort();
  // What a polyfilled AbortController leaves: aborted, without a reason.
  Object.defineProperty(controller.signal, "reason", { value: undefined });
  const noReason = await outcome(() => client.fetch("/contract", { signal: controller.signal }));
  const k = key(env, "stall");
  const stalled = await outcome(async () => {
    const res = await client.fetch(`/stall?key=${k}`);
    await res.text();
    return res;
  });
  // What this runtime's fetch does when its signal aborts while the body is read: the body
  // errors with the signal's reason (workerd substitutes an Error of its own).
  const reference = await outcome(async () => {
    const controller = new AbortController();
    const res = await fetch(`${env.base}/stall?key=${key(env, "reference")}`, {
      signal: controller.signal,
    });
    const text = res.text();
    controller.abort(new lib.TimeoutError("total", 1_000, 1, []));
    await text;
    return res;
  });
  const state = client.stats().upstreams[0];
  await client.close();
  let server = { hits: 0, aborted: 0 };
  for (let i = 0; i < 50 && server.aborted === 0; i++) {
    server = await (await fetch(`${env.base}/__state?key=${k}`)).json();
    if (server.aborted === 0) await pause(20);
  }
  return {
    badInput,
    afterBadInput,
    dataUrl,
    queryPath,
    undefinedMembers,
    noReason,
    stalled,
    reference,
    attempts,
    upstream: { state: state.state, failures: state.failures },
    server,
  };
}

/** The cases, in the order they run. */
export const CASES = { retry, failover, balancer, hedge, breaker, contract };

/**
 * Runs every case and returns `{ runtime, exports, cases: { [name]: { ok, …observations } } }`.
 * A case that throws reports `{ ok: false, error }` instead of ending the run.
 *
 * @param {Record<string, unknown>} lib the package's main module
 * @param {ScenarioEnv} env
 */
export async function runScenario(lib, env) {
  const cases = {};
  for (const [name, run] of Object.entries(CASES)) {
    try {
      cases[name] = { ok: true, ...(await run(lib, env)) };
    } catch (error) {
      cases[name] = { ok: false, error: `${errorName(error)}: ${error?.message ?? error}` };
    }
  }
  return { runtime: env.runtime, exports: Object.keys(lib).sort(), cases };
}

function track(client, name, pick) {
  const seen = [];
  client.on(name, (event) => seen.push(pick(event)));
  return seen;
}

function key(env, name) {
  return `${env.runtime}-${name}-${crypto.randomUUID()}`;
}

/** `{ status, body }` of a call, or `{ error, limit? }` for what it rejected with. */
async function outcome(call) {
  try {
    const res = await call();
    const text = res.bodyUsed ? "" : await res.text();
    return { status: res.status, body: text.startsWith("{") ? JSON.parse(text) : text };
  } catch (error) {
    const name = errorName(error);
    const described = { error: name, message: String(error?.message ?? error) };
    return error?.limit === undefined ? described : { ...described, limit: error.limit };
  }
}

function errorName(error) {
  return error instanceof Error ? error.name : typeof error;
}

function pause(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
