import type { Random } from "../random";

/**
 * Draws one value (milliseconds) from a distribution. Samplers are stateless: everything
 * random comes from the `random` passed in, so a seeded random replays the same draws.
 *
 * @example
 * ```ts
 * const latency: Sampler = lognormal({ median: 20, sigma: 0.5 });
 * latency(seededRandom(1)); // ≈ 20 ms, give or take
 * ```
 */
export type Sampler = (random: Random) => number;

/**
 * Options for {@link lognormal}: `median` and either `sigma` or `p99`.
 *
 * @example
 * ```ts
 * const options: LognormalOptions = { median: 20, p99: 150 };
 * ```
 */
export interface LognormalOptions {
  /** The median, in ms; must be > 0. */
  median: number;
  /** The standard deviation of the underlying normal; 0.3 is tight, 1 is a long tail. */
  sigma?: number;
  /** The 99th percentile, in ms (>= median), instead of `sigma`. */
  p99?: number;
}

/**
 * Options for {@link withStragglers}.
 *
 * @example
 * ```ts
 * const options: StragglerOptions = { probability: 0.01, latency: uniform(300, 600) };
 * ```
 */
export interface StragglerOptions {
  /** The share of draws, in [0, 1], that are stragglers. */
  probability: number;
  /** A straggler's latency: ms, or a sampler. */
  latency: number | Sampler;
}

const Z99 = 2.3263478740408408;
const TWO_PI = 2 * Math.PI;

function fail(what: string, range: string, got: unknown): never {
  throw new RangeError(`${what} must be ${range}, got ${String(got)}`);
}

function ms(x: number): number {
  // Draws are delays: never negative, NaN or infinite, whatever the parameters did.
  return x >= 0 ? Math.min(x, Number.MAX_VALUE) : 0;
}

/**
 * A sampler from a number or a sampler, so options can take either.
 *
 * @example
 * ```ts
 * const latency = toSampler(options.latency ?? 10);
 * ```
 */
export function toSampler(value: number | Sampler, what = "latency"): Sampler {
  if (typeof value === "function") return value;
  return constant(value, what);
}

/**
 * Always `value` ms.
 *
 * @example
 * ```ts
 * const upstreams = { "https://a.test": { latency: constant(5) } };
 * ```
 */
export function constant(value: number, what = "constant(ms)"): Sampler {
  if (!(value >= 0 && value < Number.POSITIVE_INFINITY)) fail(what, "a finite number >= 0", value);
  return () => value;
}

/**
 * Uniform in [min, max) ms.
 *
 * @example
 * ```ts
 * const latency = uniform(5, 15);
 * ```
 */
export function uniform(min: number, max: number): Sampler {
  if (!(min >= 0 && min < Number.POSITIVE_INFINITY))
    fail("uniform min", "a finite number >= 0", min);
  if (!(max >= min && max < Number.POSITIVE_INFINITY)) {
    fail("uniform max", `a finite number >= min (${min})`, max);
  }
  const width = max - min;
  return (random) => min + width * random();
}

/**
 * Exponential with the given mean, in ms: memoryless gaps, like arrivals of a Poisson process.
 *
 * @example
 * ```ts
 * const gap = exponential(10); // 100 arrivals per second on average
 * ```
 */
export function exponential(mean: number): Sampler {
  if (!(mean >= 0 && mean < Number.POSITIVE_INFINITY)) {
    fail("exponential mean", "a finite number >= 0", mean);
  }
  return (random) => ms(-mean * Math.log(1 - random()));
}

/**
 * Lognormal: the usual shape of service latency, a hump near the median and a long right tail.
 * Give the spread as `sigma`, or as a `p99` and let sigma follow (`ln(p99 / median) / 2.326`).
 *
 * @example
 * ```ts
 * const latency = lognormal({ median: 20, p99: 120 }); // sigma ≈ 0.77
 * const tight = lognormal({ median: 5, sigma: 0.25 });
 * ```
 */
export function lognormal(options: LognormalOptions): Sampler {
  const { median, p99 } = options;
  if (!(median > 0 && median < Number.POSITIVE_INFINITY)) {
    fail("lognormal median", "a finite number > 0", median);
  }
  let sigma: number;
  if (options.sigma !== undefined) {
    sigma = options.sigma;
    if (!(sigma >= 0 && sigma < Number.POSITIVE_INFINITY)) {
      fail("lognormal sigma", "a finite number >= 0", sigma);
    }
  } else if (p99 !== undefined) {
    if (!(p99 >= median && p99 < Number.POSITIVE_INFINITY)) {
      fail("lognormal p99", `a finite number >= median (${median})`, p99);
    }
    sigma = Math.log(p99 / median) / Z99;
  } else {
    throw new TypeError("lognormal needs `sigma` or `p99` besides `median`");
  }
  // Box–Muller, one of the pair: two draws per sample keeps the sampler stateless.
  return (random) => {
    const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(TWO_PI * random());
    return ms(median * Math.exp(sigma * z));
  };
}

/**
 * `base`, except that a share `probability` of draws take `latency` instead: the stalls of a
 * GC pause, a lost packet's retransmit or a cold cache that hedging exists for.
 *
 * @example
 * ```ts
 * const latency = withStragglers(lognormal({ median: 10, sigma: 0.3 }), {
 *   probability: 0.02,
 *   latency: uniform(200, 400),
 * });
 * ```
 */
export function withStragglers(base: Sampler, options: StragglerOptions): Sampler {
  const { probability } = options;
  if (!(probability >= 0 && probability <= 1)) {
    fail("withStragglers probability", "a number in [0, 1]", probability);
  }
  const straggler = toSampler(options.latency, "withStragglers latency");
  return (random) => (random() < probability ? straggler(random) : base(random));
}
