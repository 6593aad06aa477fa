/**
 * Chance trips (issue 14, found by the client chaos suite): one circuit breaker in front of an
 * upstream that fails a fixed share of its requests at random, 333 attempts a second for
 * 10 minutes of virtual time (200,000 attempts). For each failure rate and trip criteria: how
 * often the breaker opened and the share of attempts it refused. Below the failure-rate
 * threshold (50%) a breaker should refuse next to nothing. Seeded: every run prints the same.
 *
 *   npm run bench:breaker
 *
 * Not part of `npm test`.
 */
import { type BreakerOptions, resolveBreakerOptions } from "../src/guard/breaker-options";
import { CircuitBreaker } from "../src/guard/circuit-breaker";
import { REJECT } from "../src/guard/permit";
import { seededRandom } from "../src/testing/index";
import { fmt, printTable } from "./table";

const ATTEMPTS = 200_000;
const EVERY_MS = 3;
const RATES = [0.05, 0.1, 0.25, 0.4, 0.6, 1];
const CRITERIA: Array<[string, BreakerOptions]> = [
  ["defaults: 5 in a row, half of 20", {}],
  [
    "10 in a row, half of 100 (min 50)",
    { consecutiveFailures: 10, failureRate: { window: 100, minCalls: 50 } },
  ],
];

function run(failureRate: number, options: BreakerOptions): { opens: number; refused: number } {
  let opens = 0;
  let refused = 0;
  const resolved = resolveBreakerOptions(options);
  if (resolved === false) throw new Error("the breaker is on in every row");
  const breaker = new CircuitBreaker(resolved, seededRandom(2), (_from, to) => {
    if (to.kind === "open") opens++;
  });
  const random = seededRandom(1);
  for (let i = 0, now = 0; i < ATTEMPTS; i++, now += EVERY_MS) {
    const permit = breaker.admit(now);
    if (permit === REJECT) refused++;
    else breaker.record(permit, random() < failureRate ? "failure" : "success", 5, now);
  }
  return { opens, refused };
}

const rows: Array<Array<string | number>> = [];
for (const rate of RATES) {
  for (const [name, options] of CRITERIA) {
    const { opens, refused } = run(rate, options);
    rows.push([`${rate * 100}%`, name, opens, `${fmt((100 * refused) / ATTEMPTS, 1)}%`]);
  }
}
console.log(
  `One breaker, ${ATTEMPTS.toLocaleString("en")} attempts ${EVERY_MS} ms apart, failures at random`,
);
printTable(["failure rate", "trip criteria", "opened", "refused"], rows);
