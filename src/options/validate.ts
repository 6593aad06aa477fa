/**
 * The one place where options are validated. Every `resolveXOptions()` describes its options
 * as a table of {@link Fields} and hands it to {@link sectionOption}, which rejects unknown
 * keys, checks every value, fills in the defaults and builds the resolved object. Errors are a
 * `TypeError` (wrong type, unknown key) or a `RangeError` (out of range) whose message names
 * the option by its full path and says what it accepts, so a typo fails at construction with
 * a message that says what to fix rather than misbehaving later.
 */

/**
 * A short, readable rendering of a bad value for error messages; never dumps whole objects.
 *
 * @example
 * ```ts
 * describe("x"); // → "\"x\""
 * describe([1, 2]); // → "an array of 2"
 * ```
 */
export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "function") return "a function";
  if (typeof value === "object" && value !== null) return "an object";
  return String(value);
}

/**
 * What a numeric option accepts, and its default. Bounds are inclusive unless marked open,
 * and every rule has at least one (the type requires it). A bound or default given as a string names an earlier
 * field of the same section and takes its resolved value (`max: { min: "initial" }`: the
 * maximum may not be below the initial value). A default is clamped into the range, so
 * `{ default: 10, max: "window" }` defaults to the window when that is smaller.
 *
 * @example
 * ```ts
 * const share: NumberRule = { default: 0.5, min: 0, max: 1, minOpen: true }; // in (0, 1]
 * ```
 */
export type NumberRule = RuleFlags &
  (
    | { min: number | string; max?: number | string }
    | { min?: number | string; max: number | string }
  );

/** What a {@link NumberRule} says besides its bounds. */
interface RuleFlags {
  /** The value of an absent option; without one, the option is required. */
  default?: number | string;
  minOpen?: boolean;
  maxOpen?: boolean;
  integer?: boolean;
  /** Accepts `Infinity` (for limits: "none"). */
  infinite?: boolean;
  /** Accepts `false` (the feature switched off) and resolves it as `false`. */
  orFalse?: boolean;
}

/** An integer >= 1: a number of calls, hosts, probes… */
export const COUNT: NumberRule = { min: 1, integer: true };
/** A number > 0: a duration or a factor that must not be zero. */
export const POSITIVE: NumberRule = { min: 0, minOpen: true };
/** A share in (0, 1]. */
export const SHARE: NumberRule = { min: 0, max: 1, minOpen: true };
/** A time limit in ms: > 0, `Infinity` for none. */
export const LIMIT: NumberRule = { min: 0, minOpen: true, infinite: true };

/**
 * Validates a number against `rule`; `siblings` holds the resolved fields of the same section
 * that the rule may name. Returns the value, or the rule's default when it is `undefined`.
 *
 * @example
 * ```ts
 * numberOption("retry.attempts", 0, { default: 3, min: 1, max: 100, integer: true });
 * // RangeError: retry.attempts must be an integer in [1, 100], got 0
 * ```
 */
export function numberOption(
  path: string,
  value: unknown,
  rule: NumberRule,
  siblings: Record<string, unknown> = {},
): number {
  const resolve = (bound: number | string | undefined) =>
    typeof bound === "string" ? (siblings[bound] as number) : bound;
  const min = resolve(rule.min);
  const max = resolve(rule.max);
  const fallback = resolve(rule.default);
  if (value === undefined && fallback !== undefined) {
    const atLeast = Math.max(fallback, min ?? fallback);
    return Math.min(atLeast, max ?? atLeast);
  }
  if (
    typeof value === "number" &&
    // NaN fails the bound checks below, and every rule has a bound.
    (rule.infinite || Number.isFinite(value)) &&
    (min === undefined || (rule.minOpen ? value > min : value >= min)) &&
    (max === undefined || (rule.maxOpen ? value < max : value <= max)) &&
    (!rule.integer || Number.isInteger(value))
  ) {
    return value;
  }
  const range =
    min === undefined
      ? `${rule.maxOpen ? "<" : "<="} ${max}`
      : max === undefined
        ? `${rule.minOpen ? ">" : ">="} ${min}`
        : `in ${rule.minOpen ? "(" : "["}${min}, ${max}${rule.maxOpen ? ")" : "]"}`;
  const message = `${path} must be ${rule.integer ? "an integer" : "a number"} ${range}, got ${describe(value)}`;
  throw typeof value === "number" ? new RangeError(message) : new TypeError(message);
}

/**
 * How each field of a section resolves: a {@link NumberRule}, or a function of the raw value
 * and the field's path (for nested sections, enums, functions, lists).
 *
 * @example
 * ```ts
 * const fields: Fields<{ initial: number; jitter: Jitter }> = {
 *   initial: { default: 50, min: 0 },
 *   jitter: (value, path) => enumOption(path, value, "full", ["full", "none"]),
 * };
 * ```
 */
export type Fields<T> = {
  [K in keyof T]-?:
    | ([T[K]] extends [number | false] ? NumberRule : never)
    | ((value: unknown, path: string) => T[K]);
};

/**
 * Resolves a section of options (an object, or `undefined` for all defaults) through its
 * table of fields, in the table's order. Unknown keys throw, so a misspelt or renamed option
 * is not silently ignored. `alternatives` completes the type error for a section that also
 * takes shorthands (", a number or false"); `prefix` is what field paths start with.
 *
 * @example
 * ```ts
 * const openFor = sectionOption("breaker.openFor", options.openFor, {
 *   initial: { default: 5_000, ...POSITIVE },
 *   max: { default: 60_000, min: "initial" },
 * });
 * ```
 */
export function sectionOption<T>(
  path: string,
  value: unknown,
  fields: Fields<T>,
  alternatives = "",
  prefix = `${path}.`,
): T {
  const raw = (value === undefined ? {} : value) as Record<string, unknown>;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new TypeError(`${path} must be an object${alternatives}, got ${describe(value)}`);
  }
  const keys = Object.keys(fields);
  for (const key of Object.keys(raw)) {
    if (!keys.includes(key)) {
      throw new TypeError(`${path}.${key} is not an option; expected one of ${keys.join(", ")}`);
    }
  }
  const resolved: Record<string, unknown> = {};
  for (const key of keys) {
    const field = fields[key as keyof T] as
      | NumberRule
      | ((value: unknown, path: string) => unknown);
    const given = raw[key];
    resolved[key] =
      typeof field === "function"
        ? field(given, prefix + key)
        : given === false && field.orFalse
          ? false
          : numberOption(prefix + key, given, field, resolved);
  }
  return resolved as T;
}

/**
 * A section that can be switched off: `false` resolves to `false`, `true` to the defaults.
 * An absent section is on with its defaults, or off when `on` is `false`.
 *
 * @example
 * ```ts
 * const fields: Fields<BreakerFields> = { failureRate: switchable(FAILURE_RATE), … };
 * ```
 */
export function switchable<T>(
  fields: NoInfer<Fields<T>>,
  on = true,
): (value: unknown, path: string) => T | false {
  return (value, path) =>
    value === false || (value === undefined && !on)
      ? false
      : sectionOption(path, value === true ? {} : value, fields, " or false");
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
  path: string,
  value: unknown,
  fallback: T,
  allowed: readonly T[],
): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) {
    throw new TypeError(
      `${path} must be one of ${allowed.map(describe).join(", ")}, got ${describe(value)}`,
    );
  }
  return value as T;
}

/**
 * Validates an optional function.
 *
 * @example
 * ```ts
 * const fetch = functionOption<FetchLike>("fetch", options.fetch);
 * ```
 */
export function functionOption<F extends Function>(path: string, value: unknown): F | undefined {
  if (value !== undefined && typeof value !== "function") {
    throw new TypeError(`${path} must be a function, got ${describe(value)}`);
  }
  return value as F | undefined;
}
