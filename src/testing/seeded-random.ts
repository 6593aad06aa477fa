import type { Random } from "../random";

/**
 * A deterministic {@link Random}: sfc32 (Chris Doty-Humphrey's Small Fast Counter, which
 * passes PractRand and BigCrush) seeded through splitmix32. Only 32-bit integer math, so the
 * same seed gives the same sequence in every runtime. Values are multiples of 2^-32 in [0, 1).
 *
 * Seeds are read as integers (fractions are dropped); both 32-bit halves of seeds up to 2^53
 * count, so `seededRandom(Date.now())` works.
 *
 * @example
 * ```ts
 * const random = seededRandom(42);
 * random(); // the same value on every run, in Node, Deno, Bun, workerd and browsers
 * const fleet = createSimulatedFleet({ clock, random: seededRandom(1), upstreams });
 * ```
 */
export function seededRandom(seed: number): Random {
  if (!Number.isFinite(seed)) {
    throw new RangeError(`seededRandom seed must be a finite number, got ${seed}`);
  }
  const whole = Math.trunc(seed);
  let mix = whole >>> 0;
  const high = Math.floor(whole / 4294967296) >>> 0;
  const splitmix = (): number => {
    mix = (mix + 0x9e3779b9) | 0;
    let z = mix;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix() ^ high;
  let c = splitmix();
  let d = 1;
  const random: Random = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // The first outputs of a freshly seeded sfc32 are still correlated with the seed.
  for (let i = 0; i < 12; i++) random();
  return random;
}
