/**
 * Where frames go. On a terminal each frame replaces the previous one in place (cursor up,
 * clear to the end of the screen), with colour unless `NO_COLOR` is set; piped, every frame
 * is printed in full as plain lines, one block per second, so a log keeps the whole run.
 */
import { ansi, type Paint, plain } from "./table";

/** A sink for frames. */
export interface Screen {
  /** Whether frames replace each other (a terminal) or follow each other (a pipe, a file). */
  readonly live: boolean;
  readonly paint: Paint;
  show(lines: string[]): void;
  /** Text after the last frame (the summary), which is never redrawn. */
  print(lines: string[]): void;
}

/** What a screen writes to: `process.stdout` or a stand-in. */
export interface Output {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/**
 * A screen on `out`.
 *
 * @example
 * ```ts
 * const screen = createScreen(process.stdout, process.env);
 * screen.show(["frame 1"]);
 * screen.show(["frame 2"]); // on a terminal, over frame 1
 * ```
 */
export function createScreen(out: Output, env: Record<string, string | undefined>): Screen {
  const live = out.isTTY === true;
  const paint = live && !env.NO_COLOR ? ansi : plain;
  let shown = 0;
  return {
    live,
    paint,
    show(lines) {
      if (!live) return void out.write(`${lines.join("\n")}\n\n`);
      // A line wider than the terminal would wrap and break the count of lines to go up.
      // (A pseudo-terminal without a size says 0 columns: assume 100.)
      const width = Math.max(20, (out.columns || 100) - 1);
      const fitted = lines.map((line) => cut(line, width));
      const up = shown > 0 ? `\x1b[${shown}A\r` : "";
      out.write(`${up}\x1b[0J${fitted.join("\n")}\n`);
      shown = fitted.length;
    },
    print(lines) {
      shown = 0;
      out.write(`${lines.join("\n")}\n`);
    },
  };
}

// Cuts a line to `width` visible characters, leaving colour codes whole.
function cut(line: string, width: number): string {
  let visible = 0;
  let out = "";
  for (let i = 0; i < line.length; i++) {
    if (line[i] === "\x1b") {
      const end = line.indexOf("m", i);
      if (end > i) {
        out += line.slice(i, end + 1);
        i = end;
        continue;
      }
    }
    if (visible === width) return `${out}\x1b[0m`;
    out += line[i];
    visible++;
  }
  return out;
}
