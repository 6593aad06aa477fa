import { execFileSync } from "node:child_process";
import { connect } from "node:net";

/** A process and its command name. */
export interface ProcessInfo {
  pid: number;
  command: string;
}

/**
 * Every descendant of `pid` (children, their children, …), from `ps` (Linux and macOS).
 *
 * @example
 * ```ts
 * const workerd = descendants(child.pid!).find((p) => p.command === "workerd");
 * ```
 */
export function descendants(pid: number): ProcessInfo[] {
  const table = execFileSync("ps", ["-eo", "pid=,ppid=,comm="], { encoding: "utf8" })
    .split("\n")
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), command: m[3]!.trim() }));
  const found: ProcessInfo[] = [];
  const parents = [pid];
  while (parents.length > 0) {
    const parent = parents.pop()!;
    for (const p of table) {
      if (p.ppid !== parent) continue;
      found.push({ pid: p.pid, command: p.command.split("/").pop()! });
      parents.push(p.pid);
    }
  }
  return found;
}

/**
 * Whether a process is still running (a zombie not yet reaped counts as gone).
 *
 * @example
 * ```ts
 * expect(alive(workerd.pid)).toBe(false);
 * ```
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const state = execFileSync("ps", ["-o", "stat=", "-p", String(pid)], { encoding: "utf8" });
    return state.trim() !== "" && !state.trim().startsWith("Z");
  } catch {
    return false; // `ps -p` fails for a pid that no longer exists
  }
}

/**
 * Whether nothing listens on 127.0.0.1:`port` (a connection is refused).
 *
 * @example
 * ```ts
 * expect(await portClosed(8787)).toBe(true);
 * ```
 */
export function portClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
  });
}
