/**
 * Ctrl-C (SIGINT) and SIGTERM for the demo: the first asks the run to stop (it then stops
 * everything it started and prints its summary), a second one only says that it is
 * stopping. A closed output (`npm start | head`) stops the run the same way. Afterwards a
 * watchdog makes sure the process really ends: if anything still holds it 5 s after the
 * run, it names what and exits, rather than hang.
 */

/** The stop request, and the exit code it implies. */
export interface SignalWatch {
  /** Aborted by the first SIGINT or SIGTERM. */
  readonly stop: AbortSignal;
  /** 130 after SIGINT, 143 after SIGTERM, 141 when the output was closed, else `undefined`. */
  readonly exitCode: number | undefined;
  /** Removes the handlers and arms the watchdog. */
  dispose(): void;
}

/** How long the process may take to exit after the run, ms. */
export const EXIT_GRACE_MS = 5_000;

/**
 * Watches for SIGINT and SIGTERM.
 *
 * @example
 * ```ts
 * const signals = watchSignals();
 * await runDemo(options, signals.stop, screen);
 * process.exitCode = signals.exitCode ?? 0;
 * signals.dispose();
 * ```
 */
export function watchSignals(): SignalWatch {
  const controller = new AbortController();
  let exitCode: number | undefined;
  const on = (code: number) => () => {
    if (controller.signal.aborted) {
      process.stderr.write("\nStill stopping: the hub and the upstreams are being shut down…\n");
      return;
    }
    exitCode = code;
    process.stderr.write("\nStopping: calls, clients, the hub (workerd) and the upstreams…\n");
    controller.abort();
  };
  const onInt = on(130);
  const onTerm = on(143);
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  // The reader went away (EPIPE): nobody sees the rest, so stop, quietly.
  const onOutputError = (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE" && error.code !== "ERR_STREAM_DESTROYED") throw error;
    exitCode ??= 141;
    controller.abort();
  };
  process.stdout.on("error", onOutputError);
  return {
    stop: controller.signal,
    get exitCode() {
      return exitCode;
    },
    dispose() {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      // Writes after a closed output keep failing: leave that handler in place.
      // Unref'd: it fires only if something else still keeps the process alive.
      setTimeout(() => {
        const left = process.getActiveResourcesInfo().filter((r) => r !== "Timeout");
        process.stderr.write(`demo: still running after its end: ${left.join(", ")}; exiting\n`);
        process.exit(process.exitCode ?? 1);
      }, EXIT_GRACE_MS).unref();
    },
  };
}
