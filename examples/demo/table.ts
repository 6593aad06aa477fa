/**
 * A small fixed-width table for the demo's terminal output. Pure: a `paint` function adds
 * colour after padding, so widths never count escape codes.
 */
import { clip } from "./format";

/** How a cell should stand out: good news, bad news, a warning, or plain. */
export type Tone = "good" | "bad" | "warn" | undefined;

/** A table cell: text and an optional tone. */
export type Cell = string | { text: string; tone: Tone };

/** A column: its title, width and alignment. */
export interface Column {
  title: string;
  width: number;
  align?: "left" | "right";
  /** A title over this column and the following ones of the same group. */
  group?: string;
}

/** Colours a padded cell; the identity when colour is off. */
export type Paint = (tone: Tone, text: string) => string;

/** No colour. */
export const plain: Paint = (_tone, text) => text;

const CODES = { good: 32, bad: 31, warn: 33 } as const;

/**
 * ANSI colours (green, red, yellow).
 *
 * @example
 * ```ts
 * const paint = process.stdout.isTTY && !process.env.NO_COLOR ? ansi : plain;
 * ```
 */
export const ansi: Paint = (tone, text) =>
  tone === undefined ? text : `\x1b[${CODES[tone]}m${text}\x1b[0m`;

/**
 * Renders rows under one or two header lines (two when any column has a `group`: its title
 * spans the group's columns). Columns of a group are one space apart, others two. Cells
 * longer than their column are cut with `…`.
 *
 * @example
 * ```ts
 * renderTable([{ title: "upstream", width: 9 }, { title: "p99", width: 5, align: "right" }], [["healthy", "14"]]);
 * // ["upstream     p99", "healthy       14"]
 * ```
 */
export function renderTable(columns: Column[], rows: Cell[][], paint: Paint = plain): string[] {
  const inGroup = (i: number) =>
    columns[i]!.group !== undefined && columns[i]!.group === columns[i - 1]?.group;
  const gap = (i: number) => (i === 0 ? "" : inGroup(i) ? " " : "  ");
  const pad = (text: string, column: Column) => {
    const cut = clip(text, column.width);
    return column.align === "right" ? cut.padStart(column.width) : cut.padEnd(column.width);
  };
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => gap(i) + cell)
      .join("")
      .trimEnd();
  const lines: string[] = [];
  if (columns.some((c) => c.group)) {
    // Each group title over the full width of its columns (the gaps between them included).
    const titles = columns.map((c, i) => (inGroup(i) ? "" : (c.group ?? "")));
    const widths = columns.map((c) => c.width);
    for (let i = columns.length - 1; i > 0; i--) {
      if (inGroup(i)) widths[i - 1]! += 1 + widths[i]!;
    }
    const cells = titles.flatMap((title, i) => (inGroup(i) ? [] : [title.padEnd(widths[i]!)]));
    lines.push(cells.join("  ").trimEnd());
  }
  lines.push(line(columns.map((c) => pad(c.title, c))));
  for (const row of rows) {
    lines.push(
      line(
        columns.map((column, i) => {
          const cell = row[i] ?? "";
          const { text, tone } = typeof cell === "string" ? { text: cell, tone: undefined } : cell;
          return paint(tone, pad(text, column));
        }),
      ),
    );
  }
  return lines;
}
