/**
 * Plays scenario.ts against the real servers: at each phase change it records the time
 * (for the story) and switches the `outage` server off and on, noting when it actually
 * stopped and started listening (for the summary).
 */
import { OUTAGE, type Phase, phaseChanges, type UpstreamName } from "./scenario";
import type { DemoUpstreams } from "./upstreams";

/** The outage upstream and when it went down and came back (null: not yet). */
export interface OutageTimes {
  url: string;
  name: string;
  downAt: number | null;
  upAt: number | null;
  startsAt: number;
}

/** What the player saw happen; times are ms since the run began. */
export interface Played {
  phases: Array<{ at: number; name: UpstreamName; phase: Phase }>;
  outage: OutageTimes;
  /** Cancels the changes still to come. */
  cancel(): void;
}

/**
 * Schedules the phase changes of a run of `durationMs`, from now.
 *
 * @example
 * ```ts
 * const played = playScenario(upstreams, 60_000, elapsed);
 * // … at the end:
 * played.cancel();
 * ```
 */
export function playScenario(
  upstreams: DemoUpstreams,
  durationMs: number,
  elapsed: () => number,
): Played {
  const outageUrl = upstreams.list.find((u) => u.name === "outage")!.url;
  const played: Played = {
    phases: [],
    outage: { url: outageUrl, name: "outage", downAt: null, upAt: null, startsAt: OUTAGE.from },
    cancel: () => {
      for (const timer of timers) clearTimeout(timer);
    },
  };
  const timers = phaseChanges(durationMs).map((change) =>
    setTimeout(() => {
      played.phases.push({ ...change, at: elapsed() });
      if (change.name !== "outage") return;
      // Down from the moment it starts closing (connections in flight break then too); up
      // once it listens again.
      if (change.phase === "down") {
        played.outage.downAt ??= elapsed();
        void upstreams.setListening("outage", false);
      } else {
        upstreams.setListening("outage", true).then(
          () => {
            played.outage.upAt ??= elapsed();
          },
          (error: Error) =>
            process.stderr.write(`demo: outage could not listen again: ${error.message}\n`),
        );
      }
    }, change.at),
  );
  return played;
}
