/**
 * Number and text formats for the demo's terminal output: ms, durations, shares,
 * percentiles, wrapping and clipping. Pure.
 */

/**
 * Nearest-rank percentile of unsorted values; `null` without values.
 *
 * @example
 * ```ts
 * percentile([5, 1, 3], 0.5); // 3
 * ```
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

/**
 * Milliseconds as a whole number, `–` for none.
 *
 * @example
 * ```ts
 * ms(12.4); // "12"
 * ms(null); // "–"
 * ```
 */
export function ms(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value)
    ? "–"
    : String(Math.round(value));
}

/**
 * A duration for people: `850ms`, `12.3s`, `4m05s`; `–` for none.
 *
 * @example
 * ```ts
 * duration(12_345); // "12.3s"
 * ```
 */
export function duration(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  if (value < 1_000) return `${Math.round(value)}ms`;
  if (value < 60_000) return `${(value / 1_000).toFixed(1)}s`;
  const minutes = Math.floor(value / 60_000);
  return `${minutes}m${String(Math.round((value % 60_000) / 1_000)).padStart(2, "0")}s`;
}

/**
 * Seconds since the run began, for timelines: `12.3 s`.
 *
 * @example
 * ```ts
 * seconds(10_042); // "10.0 s"
 * ```
 */
export function seconds(value: number): string {
  return `${(value / 1_000).toFixed(1)} s`;
}

/**
 * A share as a percentage: `100%`, `99.2%`, `0.4%`, `0%`; `–` for none.
 *
 * @example
 * ```ts
 * percent(0.9921); // "99.2%"
 * ```
 */
export function percent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  const p = value * 100;
  if (p === 0 || p === 100) return `${p}%`;
  // Never round up to a whole 100% or down to 0%: "99.9%" and "0.01%" still say "not all", "some".
  if (p > 99.9) return "99.9%";
  if (p < 0.01) return "0.01%";
  return `${p.toFixed(p >= 1 ? 1 : 2)}%`;
}

/**
 * Words wrapped to `width` columns. Continuation lines keep the first line's leading spaces
 * and add `indent`.
 *
 * @example
 * ```ts
 * wrap("  one two three", 10, "  "); // ["  one two", "    three"]
 * ```
 */
export function wrap(text: string, width = 100, indent = "  "): string[] {
  const lead = /^ */.exec(text)![0];
  const lines: string[] = [];
  let line = lead;
  for (const word of text.slice(lead.length).split(" ")) {
    if (line.trim() !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = lead + indent + word;
    } else {
      line = line.trim() === "" ? line + word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines;
}

/**
 * A count with its noun, singular for one.
 *
 * @example
 * ```ts
 * count(1, "failed attempt"); // "1 failed attempt"
 * count(3, "probe"); // "3 probes"
 * ```
 */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/**
 * Text cut to `width` characters, ending in `…` when cut.
 *
 * @example
 * ```ts
 * clip("abcdef", 4); // "abc…"
 * ```
 */
export function clip(text: string, width = 100): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}
