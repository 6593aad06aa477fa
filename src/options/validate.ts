/**
 * Small validators shared by every `resolveXOptions()`: each throws a `TypeError` (wrong
 * type) or `RangeError` (out of range) whose message names the option and the accepted
 * range, and returns the value or its documented default.
 */

/**
 * A short, readable rendering of a bad value for error messages.
 *
 * @example
 * ```ts
 * describe("x"); // → "\"x\""
 * ```
 */
export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "function") return "a function";
  if (typeof value === "object" && value !== null) return "an object";
  return String(value);
}

export interface NumberRange {
  /** Smallest accepted value (inclusive unless `minExclusive`). */
  min?: number;
  max?: number;
  minExclusive?: boolean;
  integer?: boolean;
  /** Accept `Infinity` (e.g. "no limit"). */
  infinite?: boolean;
}

/**
 * Validates an optional number option.
 *
 * @example
 * ```ts
 * const attempts = numberOption("retry.attempts", options.attempts, 3, { min: 1, integer: true });
 * ```
 */
export function numberOption(
  name: string,
  value: unknown,
  fallback: number,
  range: NumberRange = {},
): number {
  if (value === undefined) return fallback;
  const { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY } = range;
  const accepted = `${range.integer ? "an integer" : "a number"} ${rangeText(range)}`;
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError(`${name} must be ${accepted}, got ${describe(value)}`);
  }
  const tooSmall = range.minExclusive ? value <= min : value < min;
  if (
    tooSmall ||
    value > max ||
    (!range.infinite && !Number.isFinite(value)) ||
    (range.integer && Number.isFinite(value) && !Number.isInteger(value))
  ) {
    throw new RangeError(`${name} must be ${accepted}, got ${describe(value)}`);
  }
  return value;
}

function rangeText({ min, max, minExclusive }: NumberRange): string {
  const low = min === undefined ? "(-∞" : `${minExclusive ? "(" : "["}${min}`;
  const high = max === undefined ? "∞)" : `${max}]`;
  return `in ${low}, ${high}`;
}

/**
 * Validates that an option is a plain object (or undefined) and rejects unknown keys, so a
 * misspelt or renamed option throws instead of being silently ignored.
 *
 * @example
 * ```ts
 * const retry = objectOption("retry", options.retry, ["attempts", "backoff", "on", "budget"]);
 * ```
 */
export function objectOption(
  name: string,
  value: unknown,
  keys: readonly string[],
): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(`${name} must be an object, got ${describe(value)}`);
  }
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) {
      throw new TypeError(`${name}.${key} is not an option; expected one of ${keys.join(", ")}`);
    }
  }
  return value as Record<string, unknown>;
}

/**
 * Validates one of a fixed set of strings.
 *
 * @example
 * ```ts
 * const jitter = enumOption("retry.backoff.jitter", value, "full", ["full", "equal", "none"]);
 * ```
 */
export function enumOption<T extends string>(
  name: string,
  value: unknown,
  fallback: T,
  allowed: readonly T[],
): T {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !allowed.includes(value as T)) {
    throw new TypeError(
      `${name} must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}, got ${describe(value)}`,
    );
  }
  return value as T;
}

/**
 * Validates an optional function.
 *
 * @example
 * ```ts
 * const fetch = functionOption("fetch", options.fetch);
 * ```
 */
export function functionOption<F extends Function>(name: string, value: unknown): F | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "function") {
    throw new TypeError(`${name} must be a function, got ${describe(value)}`);
  }
  return value as F;
}
