import { describe, expect, it } from "vitest";
import { CallerRecord } from "../../../examples/demo/recorder";
import { story, storyFeed } from "../../../examples/demo/story";
import type { HubEvent } from "../../../src/protocol";

const X = "http://127.0.0.1:9003";

describe("demo story", () => {
  it("merges the scenario, the breakers and the hub's verdicts in time order, naming upstreams", () => {
    const aaa = new CallerRecord("AAA", "");
    aaa.breaker(10_200, X, "closed", "open");
    aaa.excluded(11_000, [X], [X]); // gates are not part of the story
    const events: HubEvent[] = [
      {
        id: 1,
        at: 1_000 + 10_100,
        upstream: X,
        scope: "hub",
        kind: "verdict",
        from: "up",
        to: "down",
        reason: "2 heartbeats failed",
      },
      {
        id: 2,
        at: 1_000 + 10_300,
        upstream: X,
        scope: "global",
        kind: "drain",
        from: "up",
        to: "up",
        reason: "drained",
      },
    ];
    const lines = story({
      phases: [{ at: 10_000, name: "outage", phase: "down" }],
      callers: [aaa],
      hubEvents: events,
      startedAtEpoch: 1_000,
      names: new Map([[X, "outage"]]),
    });
    expect(lines).toEqual([
      { at: 10_000, who: "outage", what: "stops listening: connections refused" },
      { at: 10_100, who: "hub", what: "outage heartbeats: up → down (2 heartbeats failed)" },
      { at: 10_200, who: "AAA", what: "breaker for outage: closed → open" },
    ]);
  });

  it("feeds a terminal the latest lines, and a pipe each line once", () => {
    const lines = [1, 2, 3].map((at) => ({ at, who: "hub", what: `line ${at}` }));
    const live = storyFeed(true, 2);
    expect(live(lines).map((l) => l.at)).toEqual([2, 3]);
    expect(live(lines).map((l) => l.at)).toEqual([2, 3]);
    const piped = storyFeed(false, 2);
    expect(piped(lines.slice(0, 2)).map((l) => l.at)).toEqual([1, 2]);
    // A hub event read late lands before lines already shown: it still shows, once.
    const late = { at: 0, who: "hub", what: "late" };
    expect(piped([late, ...lines]).map((l) => l.at)).toEqual([0, 3]);
    expect(piped([late, ...lines])).toEqual([]);
  });
});
