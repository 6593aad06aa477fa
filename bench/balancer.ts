/**
 * Balancers under a bad upstream (issue 4): four upstreams of equal weight, Poisson arrivals
 * that keep several calls in flight. After a 10 s warm-up one upstream turns 10x slower, or
 * (second scenario) starts failing half its calls. For each algorithm: latency percentiles
 * seen by callers after that point, the share of attempts the bad upstream got, and the same
 * figures with all upstreams healthy. Runs on virtual time with seeded randomness, so every
 * run prints the same numbers.
 *
 *   npm run bench:balancer
 *
 * Not part of `npm test`.
 */
import type { BalancerName } from "../src/balancer/picker";
import { type ClientOptions, createClient } from "../src/index";
import {
  createSimulatedFleet,
  lognormal,
  ManualClock,
  type Outage,
  runSimulation,
  seededRandom,
  summarize,
} from "../src/testing/index";
import { fmt, printTable } from "./table";

const CALLS = Number(process.env.CALLS ?? 30_000);
const RATE = Number(process.env.RATE ?? 400); // per second: ≈ 9 calls in flight at ~22 ms mean
const ONSET = 10_000; // ms: when the bad upstream turns bad; latencies are measured from here
const UPSTREAMS = [
  "https://a.internal",
  "https://b.internal",
  "https://c.internal",
  "https://d.internal",
];
const BAD = UPSTREAMS[0]!;
const ALGORITHMS: BalancerName[] = ["p2c", "round-robin", "random", "least-request"];
// Not a balancer: the breaker's slow-call rule, which takes an upstream whose calls are mostly
// slower than a threshold out like a failing one. Shown next to the balancers for the slow case.
const SLOW_CALL = "p2c + breaker.slowCall 100 ms";
const SLOW_CALL_OPTIONS: Partial<ClientOptions> = { breaker: { slowCall: { threshold: 100 } } };
const CONFIGS: Array<{ name: string; balancer: BalancerName; options?: Partial<ClientOptions> }> = [
  ...ALGORITHMS.map((balancer) => ({ name: balancer, balancer })),
  { name: SLOW_CALL, balancer: "p2c", options: SLOW_CALL_OPTIONS },
];
const healthy = lognormal({ median: 20, sigma: 0.5 }); // p99 ≈ 64 ms
const slow = lognormal({ median: 200, sigma: 0.5 });

type Kind = "healthy" | "slow" | "failing";
const SCENARIOS: Array<{ kind: Kind; title: string }> = [
  { kind: "healthy", title: "All four healthy (baseline)" },
  { kind: "slow", title: "a turns 10x slower at 10 s" },
  { kind: "failing", title: "a starts failing 50% of calls (503) at 10 s" },
];

interface Row {
  p50: number;
  p99: number;
  p999: number;
  /** Share of attempts (after the onset) sent to the bad upstream. */
  share: number;
  /** Attempts beyond one per call (retries). */
  extra: number;
  /** Calls that rejected or ended with a non-2xx status. */
  errors: number;
}

async function run(
  balancer: BalancerName,
  kind: Kind,
  options: Partial<ClientOptions> = {},
): Promise<Row> {
  const clock = new ManualClock();
  const slowdown: Outage[] =
    kind === "slow" ? [{ from: ONSET, to: Infinity, mode: "slow", latency: slow }] : [];
  const fleet = createSimulatedFleet({
    clock,
    random: seededRandom(21),
    upstreams: Object.fromEntries(
      UPSTREAMS.map((url) => [url, { latency: healthy, outages: url === BAD ? slowdown : [] }]),
    ),
  });
  // The 50% failures start mid-run, which a fixed error rate cannot express: flip a seeded coin
  // for every attempt to the bad upstream after the onset and answer 503 instead.
  const coin = seededRandom(24);
  const attempts = new Map(UPSTREAMS.map((url) => [url, 0]));
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = String(input);
    const upstream = UPSTREAMS.find((u) => url.startsWith(u))!;
    const counted = clock.now() >= ONSET;
    if (counted) attempts.set(upstream, attempts.get(upstream)! + 1);
    const response = await fleet.fetch(input, init);
    if (kind === "failing" && upstream === BAD && counted && coin() < 0.5) {
      await response.body?.cancel();
      return new Response("error", { status: 503 });
    }
    return response;
  };
  const client = createClient({
    upstreams: UPSTREAMS,
    balancer,
    fetch,
    clock,
    random: seededRandom(22),
    ...options,
  });
  const startedAt = new Float64Array(CALLS);
  const result = await runSimulation({
    clock,
    calls: CALLS,
    ratePerSecond: RATE,
    arrivals: "poisson",
    random: seededRandom(23),
    call: (i) => {
      startedAt[i] = clock.now();
      return client.fetch("/v1/items/42");
    },
  });
  await client.close();
  const first = startedAt.findIndex((t) => t >= ONSET);
  const { p50, p99, p999 } = summarize(result.latencies.subarray(first));
  let total = 0;
  for (const count of attempts.values()) total += count;
  let errors = 0;
  for (let i = first; i < CALLS; i++) if (Number.isNaN(result.latencies[i]!)) errors++;
  for (const [status, count] of Object.entries(result.statusCounts)) {
    if (Number(status) >= 300) errors += count; // counted over the whole run: none expected
  }
  return {
    p50,
    p99,
    p999,
    share: attempts.get(BAD)! / total,
    extra: total - (CALLS - first),
    errors,
  };
}

const results = new Map<string, Row>();
for (const { kind } of SCENARIOS) {
  for (const { name, balancer, options } of CONFIGS)
    results.set(`${kind} ${name}`, await run(balancer, kind, options));
}
const guardOff = new Map<string, Row>();
for (const balancer of ALGORITHMS) {
  guardOff.set(balancer, await run(balancer, "failing", { breaker: false, outlier: false }));
}

const ms = (value: number) => fmt(value, 1);
const ratio = (value: number, base: number) => `${fmt(value / base)}x`;
const percent = (value: number) => `${fmt(100 * value, 2)}%`;
const measured = CALLS - Math.round((ONSET / 1000) * RATE);

console.log(
  `\n${CALLS.toLocaleString()} calls, Poisson arrivals at ${RATE}/s over ${UPSTREAMS.length} upstreams of equal weight; healthy latency lognormal median 20 ms (p99 ≈ 64 ms); defaults otherwise (3 attempts, breakers, outlier ejection, no hedging). Latencies of the ~${measured.toLocaleString()} calls started after 10 s; ratios are to the same balancer with all upstreams healthy.`,
);
const HEADERS = [
  "balancer",
  "p50 ms",
  "p99 ms",
  "p99.9 ms",
  "p99 / healthy",
  "p99.9 / healthy",
  "attempts to a",
  "extra attempts",
  "caller errors",
];
const tableRow = (name: string, row: Row, base: Row) => [
  name,
  ms(row.p50),
  ms(row.p99),
  ms(row.p999),
  ratio(row.p99, base.p99),
  ratio(row.p999, base.p999),
  percent(row.share),
  row.extra,
  row.errors,
];
for (const { kind, title } of SCENARIOS) {
  console.log(`\n${title}\n`);
  printTable(
    HEADERS,
    CONFIGS.map(({ name }) =>
      tableRow(name, results.get(`${kind} ${name}`)!, results.get(`healthy ${name}`)!),
    ),
  );
}
console.log(
  "\na fails 50% of calls, guard off (breaker: false, outlier: false): the balancer alone\n",
);
printTable(
  HEADERS,
  ALGORITHMS.map((balancer) =>
    tableRow(balancer, guardOff.get(balancer)!, results.get(`healthy ${balancer}`)!),
  ),
);

console.log("\nTargets\n");
const verdicts: Array<[string, boolean, string]> = [];
const base = (name: string) => results.get(`healthy ${name}`)!;
const within = (title: string, row: Row, healthy: Row) => {
  verdicts.push([
    `${title}: p99 ≤ 1.5x healthy`,
    row.p99 <= 1.5 * healthy.p99,
    ratio(row.p99, healthy.p99),
  ]);
  verdicts.push([
    `${title}: p99.9 ≤ 2x healthy`,
    row.p999 <= 2 * healthy.p999,
    ratio(row.p999, healthy.p999),
  ]);
};
const showsProblem = (title: string, row: Row, healthy: Row) =>
  verdicts.push([
    `${title}: shows the problem (p99 > 1.5x or p99.9 > 2x)`,
    row.p99 > 1.5 * healthy.p99 || row.p999 > 2 * healthy.p999,
    `${ratio(row.p99, healthy.p99)} / ${ratio(row.p999, healthy.p999)}`,
  ]);
within("10x slower, p2c", results.get("slow p2c")!, base("p2c"));
showsProblem("10x slower, round-robin", results.get("slow round-robin")!, base("round-robin"));
within(`10x slower, ${SLOW_CALL}`, results.get(`slow ${SLOW_CALL}`)!, base(SLOW_CALL));
within("failing 50%, p2c", results.get("failing p2c")!, base("p2c"));
showsProblem("failing 50%, round-robin", results.get("failing round-robin")!, base("round-robin"));
within("failing 50%, guard off, p2c", guardOff.get("p2c")!, base("p2c"));
showsProblem(
  "failing 50%, guard off, round-robin",
  guardOff.get("round-robin")!,
  base("round-robin"),
);
printTable(
  ["target", "met", "measured"],
  verdicts.map(([name, met, value]) => [name, met ? "yes" : "NO", value]),
);
