/**
 * Option checks shared by the guard's `resolve…Options` functions. Each check names the
 * option by its full path and the accepted range, so a typo fails at construction with a
 * message that says what to fix rather than misbehaving later.
 */

/** The accepted range of a numeric option. Bounds are inclusive unless marked open. */
export interface NumberRule {
  min?: number;
  max?: number;
  minOpen?: boolean;
  maxOpen?: boolean;
  integer?: boolean;
}

/**
 * Formats a rejected value for an error message without dumping whole objects.
 *
 * @example
 * ```ts
 * show("5"); // '"5"'
 * ```
 */
export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null || typeof value !== "object") {
    return typeof value === "function" ? "a function" : String(value);
  }
  return Array.isArray(value) ? "an array" : "an object";
}

function describeRange(rule: NumberRule): string {
  const { min, max } = rule;
  if (min !== undefined && max !== undefined) {
    return `in ${rule.minOpen ? "(" : "["}${min}, ${max}${rule.maxOpen ? ")" : "]"}`;
  }
  if (min !== undefined) return `${rule.minOpen ? ">" : ">="} ${min}`;
  if (max !== undefined) return `${rule.maxOpen ? "<" : "<="} ${max}`;
  return "that is finite";
}

/**
 * Returns `value` when it is a finite number within `rule`; otherwise throws a `TypeError`
 * (not a number) or a `RangeError` (out of range) naming `path`.
 *
 * @example
 * ```ts
 * checkNumber("breaker.failureRate.threshold", 2, { min: 0, max: 1, minOpen: true });
 * // RangeError: breaker.failureRate.threshold must be a number in (0, 1], got 2
 * ```
 */
export function checkNumber(path: string, value: unknown, rule: NumberRule): number {
  if (typeof value === "number" && Number.isFinite(value)) {
    const { min, max } = rule;
    const aboveMin = min === undefined || (rule.minOpen ? value > min : value >= min);
    const belowMax = max === undefined || (rule.maxOpen ? value < max : value <= max);
    if (aboveMin && belowMax && (!rule.integer || Number.isInteger(value))) return value;
  }
  const message = `${path} must be ${rule.integer ? "an integer" : "a number"} ${describeRange(rule)}, got ${show(value)}`;
  throw typeof value === "number" ? new RangeError(message) : new TypeError(message);
}

/**
 * Checks that `value` is a plain object (or `undefined`) whose keys are all in `known`,
 * so a misspelt or renamed option throws instead of being silently ignored.
 *
 * @example
 * ```ts
 * const raw = checkObject("breaker.openFor", options.openFor, ["initial", "max"]);
 * ```
 */
export function checkObject(
  path: string,
  value: unknown,
  known: readonly string[],
): Record<string, unknown> {
  if (value === undefined) return {};
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new TypeError(`${path} must be an object, got ${show(value)}`);
  }
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new TypeError(
        `${path}.${key} is not a known option (expected one of: ${known.join(", ")})`,
      );
    }
  }
  return value as Record<string, unknown>;
}

/**
 * Checks an option that is either an object of sub-options or `false` (switched off).
 * Returns `false`, or the object (`{}` for `undefined` or `true`, meaning "defaults").
 *
 * @example
 * ```ts
 * const raw = checkSection("breaker.failureRate", options.failureRate, ["threshold"]);
 * if (raw === false) return false;
 * ```
 */
export function checkSection(
  path: string,
  value: unknown,
  known: readonly string[],
): Record<string, unknown> | false {
  if (value === false) return false;
  if (value === true) return {};
  if (value !== undefined && (value === null || typeof value !== "object")) {
    throw new TypeError(`${path} must be an object or false, got ${show(value)}`);
  }
  return checkObject(path, value, known);
}
