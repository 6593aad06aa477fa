import { describe, expect, it } from "vitest";
import { createScreen, type Output } from "../../../examples/demo/screen";

function output(isTTY: boolean, columns?: number): Output & { text: string } {
  const out = {
    isTTY,
    columns,
    text: "",
    write(chunk: string) {
      out.text += chunk;
    },
  };
  return out;
}

describe("demo screen", () => {
  it("prints every frame in full, one block after another, without colour when piped", () => {
    const out = output(false);
    const screen = createScreen(out, {});
    expect(screen.live).toBe(false);
    expect(screen.paint("bad", "down")).toBe("down");
    screen.show(["frame 1", "a"]);
    screen.show(["frame 2", "b"]);
    screen.print(["summary"]);
    expect(out.text).toBe("frame 1\na\n\nframe 2\nb\n\nsummary\n");
  });

  it("on a terminal, draws each frame over the last one: up as many lines as it drew, then clear", () => {
    const out = output(true, 120);
    const screen = createScreen(out, {});
    expect(screen.live).toBe(true);
    screen.show(["one", "two", "three"]);
    screen.show(["four"]);
    expect(out.text).toBe("\x1b[0Jone\ntwo\nthree\n\x1b[3A\r\x1b[0Jfour\n");
    screen.print(["summary"]);
    screen.show(["after"]); // text printed in between is never drawn over
    expect(out.text.endsWith("summary\n\x1b[0Jafter\n")).toBe(true);
  });

  it("cuts lines to the terminal's width, so a wrapped line never breaks the redraw, keeping colours whole", () => {
    const out = output(true, 30);
    const screen = createScreen(out, {});
    const red = screen.paint("bad", "down");
    screen.show(["x".repeat(40), `${red} ${"y".repeat(40)}`]);
    const [first, second] = out.text.replace("\x1b[0J", "").split("\n");
    expect(first).toBe(`${"x".repeat(29)}\x1b[0m`);
    expect(second).toBe(`\x1b[31mdown\x1b[0m ${"y".repeat(24)}\x1b[0m`);
  });

  it("uses colour on a terminal unless NO_COLOR is set, and assumes 100 columns when the size is unknown", () => {
    expect(createScreen(output(true), {}).paint("good", "up")).toBe("\x1b[32mup\x1b[0m");
    expect(createScreen(output(true), { NO_COLOR: "1" }).paint("good", "up")).toBe("up");
    const out = output(true, 0);
    createScreen(out, {}).show(["x".repeat(150)]);
    expect(out.text).toBe(`\x1b[0J${"x".repeat(99)}\x1b[0m\n`);
  });
});
