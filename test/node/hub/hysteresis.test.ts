import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { newTrack, observeHeartbeat } from "../../../worker/model/hysteresis";

const limits = { rise: 2, fall: 3 };

function run(results: boolean[], l = limits) {
  let track = newTrack(0);
  results.forEach((ok, i) => {
    track = observeHeartbeat(track, ok, i + 1, l, ok ? undefined : "status 503");
  });
  return track;
}

describe("rise/fall hysteresis", () => {
  it("starts unknown with no heartbeat", () => {
    expect(newTrack(5)).toMatchObject({
      verdict: "unknown",
      since: 5,
      lastAt: null,
      okStreak: 0,
      failStreak: 0,
    });
  });

  it("turns up only after `rise` successes in a row", () => {
    expect(run([true]).verdict).toBe("unknown");
    expect(run([true, true])).toMatchObject({
      verdict: "up",
      since: 2,
      reason: "2 heartbeats succeeded in a row",
    });
    expect(run([true, false, true]).verdict).toBe("unknown");
  });

  it("turns down only after `fall` failures in a row and says why", () => {
    const up = [true, true];
    expect(run([...up, false, false]).verdict).toBe("up");
    expect(run([...up, false, false, true, false, false]).verdict).toBe("up");
    const down = run([...up, false, false, false]);
    expect(down).toMatchObject({ verdict: "down", since: 5, failStreak: 3 });
    expect(down.reason).toBe("3 heartbeats failed in a row (last: status 503)");
  });

  it("keeps `since` from the flip, not from later heartbeats", () => {
    const track = run([true, true, true, true]);
    expect(track).toMatchObject({ verdict: "up", since: 2, lastAt: 4, okStreak: 4 });
  });

  it("does not change the track it is given", () => {
    const track = newTrack(0);
    observeHeartbeat(track, true, 1, { rise: 1, fall: 1 });
    expect(track.verdict).toBe("unknown");
  });

  it("matches a model: the verdict is that of the last run of `rise` successes or `fall` failures", () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { maxLength: 60 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        (results, rise, fall) => {
          let expected = "unknown";
          let oks = 0;
          let fails = 0;
          for (const ok of results) {
            oks = ok ? oks + 1 : 0;
            fails = ok ? 0 : fails + 1;
            if (oks >= rise) expected = "up";
            if (fails >= fall) expected = "down";
          }
          expect(run(results, { rise, fall }).verdict).toBe(expected);
        },
      ),
    );
  });
});
