import { HUB_PASSIVE } from "../../src/protocol";

/**
 * What a location's clients say about an upstream's place in their rotation. Reports carry
 * a state ("k of my n reporters hold it out"), not events, and the hub cannot tell clients
 * apart, so it keeps an average of those states that forgets with a half-life: the share
 * of a location's recent reporters holding the upstream out of rotation.
 *
 * With a half-life shorter than the clients' report interval, a lone client's newest batch
 * always outweighs all its older ones together (detection and recovery both take one
 * batch); with many clients it is a recency-weighted majority. Time passing alone leaves
 * the share unchanged (all weights shrink alike), so a state holds until a newer report
 * says otherwise or it expires `HUB_PASSIVE.rotationTtlMs` after the last report.
 *
 * @example
 * ```ts
 * let r: Rotation | null = null;
 * r = addRotation(r, { reporters: 1, answers: 1, unreachable: 0 }, now);
 * rotationShare(r, now); // { answers: 1, unreachable: 0 }
 * ```
 */
export interface Rotation {
  /** When the last entry was added; the sums are weighted as of then. */
  at: number;
  reporters: number;
  answers: number;
  unreachable: number;
}

/** One report entry's say: how many reporters, how many of them hold it out and why. */
export type RotationEntry = Omit<Rotation, "at">;

/**
 * The tally after one more entry at `now`: older weights halve every half-life. Returns a
 * new object; entries added at the same instant simply add up.
 *
 * @example
 * ```ts
 * const r = addRotation(null, { reporters: 1, answers: 0, unreachable: 1 }, 5_000);
 * ```
 */
export function addRotation(
  prev: Rotation | null,
  entry: RotationEntry,
  now: number,
  halfLifeMs: number = HUB_PASSIVE.rotationHalfLifeMs,
): Rotation {
  if (prev === null) return { at: now, ...entry };
  const keep = 2 ** (-Math.max(0, now - prev.at) / halfLifeMs);
  return {
    at: Math.max(prev.at, now),
    reporters: prev.reporters * keep + entry.reporters,
    answers: prev.answers * keep + entry.answers,
    unreachable: prev.unreachable * keep + entry.unreachable,
  };
}

/**
 * The share (0 to 1) of recent reporters holding the upstream out of rotation, by cause;
 * `null` without a report in the last `ttlMs`.
 *
 * @example
 * ```ts
 * const share = rotationShare(location.rotation, now);
 * const out = share ? share.answers + share.unreachable : 0;
 * ```
 */
export function rotationShare(
  rotation: Rotation | null,
  now: number,
  ttlMs: number = HUB_PASSIVE.rotationTtlMs,
): { answers: number; unreachable: number } | null {
  if (rotation === null || now - rotation.at > ttlMs || rotation.reporters <= 0) return null;
  return {
    answers: rotation.answers / rotation.reporters,
    unreachable: rotation.unreachable / rotation.reporters,
  };
}
