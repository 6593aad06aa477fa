import type { Client } from "../../../src/index";
import { refusedUrl, until } from "../helpers/local-server";
import { type ChaosServer, type ServerMode, startChaosServer } from "./chaos-server";
import { Ledger } from "./ledger";
import {
  type CallTally,
  closeChecked,
  type MeasuredCalls,
  type RunCallsOptions,
  runCalls,
  runMeasured,
} from "./run-calls";

/** How a fleet's calls run, beyond the calls themselves. */
export interface FleetRunOptions extends Omit<RunCallsOptions, "trail"> {
  /** Measure the heap the open client gains (only when the run has the process to itself). */
  measure: boolean;
}

/**
 * Three chaos servers playing one mode (plus, optionally, a port that refuses connections)
 * and the ledger of what they saw: the upstreams of one chaos run. It runs the calls and,
 * once they are over, closes the client and checks what only the servers can tell.
 *
 * @example
 * ```ts
 * const fleet = await ChaosFleet.start("hang-mid-body", 7, { refusing: false });
 * const client = createClient({ upstreams: fleet.upstreams });
 * const { tally } = await fleet.run(client, { calls: 200, seed: 7, limitMs: 2_250, measure: false });
 * const problems = await fleet.finish(client, tally, 10_000);
 * ```
 */
export class ChaosFleet {
  readonly ledger = new Ledger();
  readonly upstreams: string[];
  readonly #servers: ChaosServer[];

  private constructor(servers: ChaosServer[], upstreams: string[]) {
    this.#servers = servers;
    this.upstreams = upstreams;
  }

  static async start(
    mode: ServerMode,
    seed: number,
    { refusing }: { refusing: boolean },
  ): Promise<ChaosFleet> {
    const servers: ChaosServer[] = [];
    const fleet = new ChaosFleet(servers, []);
    for (let index = 0; index < 3; index++) {
      servers.push(await startChaosServer({ mode, ledger: fleet.ledger, index, seed }));
    }
    fleet.upstreams.push(...servers.map((server) => server.url));
    if (refusing) fleet.upstreams.unshift(await refusedUrl());
    // The runtime's HTTP client loads on first use: not inside the first calls' limits.
    await (await fetch(`${servers[0]!.url}/warm-up`)).arrayBuffer();
    return fleet;
  }

  /** Runs the calls, with the heap measured if asked (see `runMeasured`). */
  async run(
    client: Client,
    options: FleetRunOptions,
  ): Promise<Partial<MeasuredCalls> & { tally: CallTally }> {
    const run = { ...options, trail: this.ledger.trail.bind(this.ledger) };
    return options.measure ? runMeasured(client, run) : { tally: await runCalls(client, run) };
  }

  /**
   * Closes the client, then lists what broke: the calls' problems, anything in flight after
   * `close()`, a request a server still holds `settleMs` later (every losing hedge,
   * timed-out attempt and cancelled body must have closed its connection), a request that
   * may not be repeated received twice, a request body altered; then closes the servers.
   */
  async finish(client: Client, tally: CallTally, settleMs: number): Promise<string[]> {
    const problems = await closeChecked(client, tally);
    const ledger = this.ledger;
    await until(() => ledger.pending().length === 0, settleMs).catch(() => {});
    for (const record of ledger.pending().slice(0, 10)) {
      problems.push(
        `server ${record.server} still holds call ${record.call} (${record.method}, ${record.fault})`,
      );
    }
    for (const [call, times] of ledger.repeated().slice(0, 10)) {
      problems.push(`call ${call} may not be repeated but reached servers ${times} times`);
    }
    for (const record of ledger.alteredBodies().slice(0, 10)) {
      problems.push(`call ${record.call}'s body reached server ${record.server} altered`);
    }
    await Promise.all(this.#servers.map((server) => server.close()));
    return problems;
  }
}
