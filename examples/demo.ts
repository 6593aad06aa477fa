/**
 * `npm start`: a live demo of the whole system on 127.0.0.1, in about a minute.
 *
 * The health hub runs in workerd with a local Durable Object store; four upstream servers
 * act out a healthy service, a heavy latency tail, an outage and 503 bursts; two library
 * clients in locations AAA and BBB share what they learn through the hub, next to AAA's
 * twin without hedging and a control client with plain fetch. A table refreshes every
 * second; the end prints a summary measured in the run. The parts live in examples/demo/.
 *
 *   npm start -- --duration 30 --rate 10
 *
 * Exit codes: 0 at the end, 130 after Ctrl-C (143 after SIGTERM) once everything is stopped,
 * 2 for a bad command line, 1 when the demo could not start.
 */
import { parseArgs, USAGE, UsageError } from "./demo/args";
import { createScreen } from "./demo/screen";
import { watchSignals } from "./demo/signals";

let command: ReturnType<typeof parseArgs>;
try {
  command = parseArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`demo: ${error.message}\nRun \`npm start -- --help\` for the options.`);
  process.exit(2);
}

if (command.kind === "help") {
  console.log(USAGE);
} else {
  const signals = watchSignals();
  try {
    // Loaded only to run: `--help` and a bad flag answer at once, without Miniflare.
    const { runDemo } = await import("./demo/run");
    const screen = createScreen(process.stdout, process.env);
    await runDemo(command.options, signals.stop, screen);
    process.exitCode = signals.exitCode ?? 0;
  } catch (error) {
    console.error(`demo: could not run: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = signals.exitCode ?? 1;
  } finally {
    signals.dispose();
  }
}
