/**
 * Hedged requests on a simulated fleet, in virtual time: tail latency and extra load with no
 * hedging, a fixed delay and adaptive percentile delays, then the same client against an
 * overloaded fleet, where the hedge budget must hold the extra load down.
 *
 *   npm run bench:hedge            (CALLS=20000 for a quicker run)
 *
 * Deterministic: every random draw comes from a seeded generator. Not part of `npm test`.
 */
import { type ClientOptions, createClient, type HedgeOptions } from "../src/index";
import {
  createSimulatedFleet,
  lognormal,
  ManualClock,
  runSimulation,
  seededRandom,
  summarize,
  type UpstreamModel,
  withStragglers,
} from "../src/testing/index";
import { fmt, printTable } from "./table";

const CALLS = Number(process.env.CALLS ?? 100_000);
const ORIGINS = ["https://a.test", "https://b.test", "https://c.test", "https://d.test"];

interface Row {
  name: string;
  hedge: HedgeOptions | number | false;
}

interface Outcome {
  p50: number;
  p99: number;
  p999: number;
  extraPercent: number;
  failed: number;
  maxInFlight: number;
}

async function run(model: UpstreamModel, ratePerSecond: number, row: Row): Promise<Outcome> {
  const clock = new ManualClock(0);
  const fleet = createSimulatedFleet({
    clock,
    random: seededRandom(1),
    upstreams: Object.fromEntries(ORIGINS.map((origin) => [origin, model])),
  });
  const options: ClientOptions = {
    upstreams: ORIGINS,
    fetch: fleet.fetch,
    clock,
    random: seededRandom(2),
    hedge: row.hedge,
    // Far above any latency here: only the hedge decides when a second attempt goes out.
    timeout: { attempt: 5_000, total: 10_000 },
  };
  const client = createClient(options);
  const result = await runSimulation({
    clock,
    calls: CALLS,
    ratePerSecond,
    call: () => client.fetch("/v1/item"),
  });
  const summary = summarize(result.latencies);
  const upstreams = Object.values(fleet.stats());
  const requests = upstreams.reduce((sum, upstream) => sum + upstream.requests, 0);
  return {
    p50: summary.p50,
    p99: summary.p99,
    p999: summary.p999,
    extraPercent: (100 * (requests - CALLS)) / CALLS,
    failed: result.errors,
    maxInFlight: Math.max(...upstreams.map((upstream) => upstream.maxInFlight)),
  };
}

async function scenario(title: string, model: UpstreamModel, rate: number, rows: Row[]) {
  console.log(`\n${title}\n`);
  const outcomes: Outcome[] = [];
  for (const row of rows) outcomes.push(await run(model, rate, row));
  const baseline = outcomes[0]!;
  printTable(
    [
      "client",
      "p50 ms",
      "p99 ms",
      "p99.9 ms",
      "p99.9 vs none",
      "extra requests",
      "max in flight / upstream",
      "failed calls",
    ],
    rows.map((row, i) => {
      const o = outcomes[i]!;
      return [
        row.name,
        fmt(o.p50, 1),
        fmt(o.p99, 1),
        fmt(o.p999, 1),
        i === 0 ? "—" : `${fmt(baseline.p999 / o.p999, 1)}x`,
        `${fmt(o.extraPercent)}%`,
        String(o.maxInFlight),
        String(o.failed),
      ];
    }),
  );
  return outcomes;
}

const stragglers: UpstreamModel = {
  // Each attempt on its own: lognormal around 10 ms, and 1 in 100 a 1 s straggler.
  latency: withStragglers(lognormal({ median: 10, sigma: 0.3 }), {
    probability: 0.01,
    latency: 1_000,
  }),
};
await scenario(
  `Stragglers: 4 upstreams, lognormal(median 10 ms, σ 0.3) + 1% at 1,000 ms per attempt, ${CALLS.toLocaleString()} calls at 1,000/s (virtual time), Node ${process.version}`,
  stragglers,
  1_000,
  [
    { name: "no hedging", hedge: false },
    { name: "fixed 20 ms", hedge: 20 },
    { name: "adaptive p90", hedge: { delay: { percentile: 0.9 } } },
    { name: "adaptive p95", hedge: { delay: { percentile: 0.95 } } },
    { name: "adaptive p97", hedge: { delay: { percentile: 0.97 } } },
    { name: "adaptive p98 (default, `hedge: {}`)", hedge: {} },
  ],
);

const overloaded: UpstreamModel = {
  // Every upstream slow, and slower still with every call in flight past 25.
  latency: lognormal({ median: 100, sigma: 0.3 }),
  overload: { capacity: 25, latencyPerExtra: 2 },
};
await scenario(
  `Overload: the same 4 upstreams all slow (lognormal median 100 ms) and +2 ms per call in flight past 25, ${CALLS.toLocaleString()} calls at 800/s; hedge budget 5% unless "no budget"`,
  overloaded,
  800,
  [
    { name: "no hedging", hedge: false },
    { name: "fixed 20 ms, no budget", hedge: { delay: 20, budget: false } },
    { name: "fixed 20 ms", hedge: 20 },
    { name: "adaptive p90", hedge: { delay: { percentile: 0.9 } } },
    { name: "adaptive p98 (default)", hedge: {} },
  ],
);
