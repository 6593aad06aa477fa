/**
 * The run as a story, one line per thing that happened: an upstream changing what it does
 * (scenario.ts), a library caller's breaker changing state, the hub changing a verdict. Pure:
 * it merges timelines the run recorded, in order.
 */
import type { HubEvent } from "../../src/protocol";
import type { CallerRecord } from "./recorder";
import type { Phase, UpstreamName } from "./scenario";

/** One thing that happened, `at` ms since the run began. */
export interface StoryLine {
  at: number;
  /** Who saw or did it: an upstream, a caller (`AAA`), or `hub`. */
  who: string;
  what: string;
}

/** What the story is built from. */
export interface StoryFacts {
  /** Phase changes that happened, with the time they did. */
  phases: ReadonlyArray<{ at: number; name: UpstreamName; phase: Phase }>;
  /** The library callers whose breakers are told. */
  callers: readonly CallerRecord[];
  /** The hub's event log. */
  hubEvents: readonly HubEvent[];
  /** `Date.now()` when the run began, to place the hub's event times. */
  startedAtEpoch: number;
  /** Upstream names by URL. */
  names: ReadonlyMap<string, string>;
}

const PHASE_WORDS: Record<Phase, string> = {
  up: "answers again",
  down: "stops listening: connections refused",
  "503": "starts answering 503 to everything",
};

/**
 * Every line of the story, oldest first. The hub's events name their scope: its own
 * heartbeats (`hub`), a location (`AAA`), or the verdict for everyone (`global`).
 *
 * @example
 * ```ts
 * for (const line of story(facts).slice(-6)) console.log(line.at, line.who, line.what);
 * ```
 */
export function story(facts: StoryFacts): StoryLine[] {
  const name = (url: string) => facts.names.get(url) ?? url;
  const lines: StoryLine[] = facts.phases.map((p) => ({
    at: p.at,
    who: p.name,
    what: PHASE_WORDS[p.phase],
  }));
  for (const caller of facts.callers) {
    for (const t of caller.transitions) {
      if (t.kind !== "breaker") continue;
      lines.push({
        at: t.at,
        who: caller.name,
        what: `breaker for ${name(t.upstream)}: ${t.from} → ${t.to}`,
      });
    }
  }
  for (const e of facts.hubEvents) {
    if (e.kind !== "verdict") continue;
    const scope = e.scope === "hub" ? "heartbeats" : e.scope;
    lines.push({
      at: e.at - facts.startedAtEpoch,
      who: "hub",
      what: `${name(e.upstream)} ${scope}: ${e.from} → ${e.to} (${e.reason})`,
    });
  }
  // Stable: same-time lines keep the order above (upstream, then callers, then the hub).
  return lines.sort((a, b) => a.at - b.at);
}

/**
 * Which story lines a frame shows: on a terminal the latest `last`; piped, each line once,
 * in the first frame after it is known (the hub's events arrive a moment after they happen).
 *
 * @example
 * ```ts
 * const feed = storyFeed(screen.live, 6);
 * view.story = feed(story(facts));
 * ```
 */
export function storyFeed(live: boolean, last: number): (lines: StoryLine[]) => StoryLine[] {
  const shown = new Set<string>();
  const key = (line: StoryLine) => `${line.at}|${line.who}|${line.what}`;
  return (lines) => {
    if (live) return lines.slice(-last);
    const fresh = lines.filter((line) => !shown.has(key(line)));
    for (const line of fresh) shown.add(key(line));
    return fresh;
  };
}
