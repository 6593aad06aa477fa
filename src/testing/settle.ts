import { systemClock } from "../clock";

/*
 * Why a macrotask: a promise chain of unknown depth (undici's `res.text()` alone takes 8
 * microtask turns on Node 20, `await`s in the code under test add more) has run as far as it
 * can only once the microtask queue is empty, and the first moment JavaScript can observe that
 * is the next macrotask.
 *
 * Which macrotask differs per runtime, so the first settle measures it: it starts a chain of
 * 1,000 microtasks, yields, and checks the chain finished; three times, the later two posted
 * from the continuation of the previous yield, as the clock does. Seen (2026-11):
 * - one `MessageChannel` port: passes in Node 20 (≈1.7 µs a round trip), Bun and browsers;
 * - Deno 2.9 delivers a message posted before the port's receive loop has re-armed after the
 *   previous one within the same microtask checkpoint (after 5 turns), so there two channels
 *   are used in turn, each armed since the previous macrotask (passes, ≈5 µs in Node);
 * - workerd delivers `MessageChannel` messages between microtasks whatever the pattern, but
 *   its `setTimeout(0)` is a prompt macrotask, the last resort (browsers clamp it to 1–4 ms).
 *
 * An open port keeps Node and Deno alive, so the channels close once nobody uses them: users
 * bracket a run of settles with `holdChannel()` / `releaseChannel()`, and the last release
 * posts one more message whose delivery closes the ports unless someone picked them up.
 */

const PROBE_DEPTH = 1_000;
const ONE_PORT = 1;
const TWO_PORTS = 2;
const TIMER = 3;

let strategy = ONE_PORT;
let calibrated = false;
let calibration: Promise<void> | undefined;
let channels: MessageChannel[] | undefined;
let turn = 0;
let waiters: Array<() => void> = [];
let messageInFlight = false;
let holders = 0;

function onMessage(): void {
  messageInFlight = false;
  if (waiters.length > 0) {
    const ready = waiters;
    waiters = [];
    for (const wake of ready) wake();
    if (holders === 0 && !messageInFlight) post();
  } else if (holders === 0) {
    closeChannels();
  }
}

function post(): void {
  if (channels === undefined) {
    channels = [new MessageChannel(), new MessageChannel()];
    for (const channel of channels) channel.port1.onmessage = onMessage;
  }
  messageInFlight = true;
  if (strategy === TWO_PORTS) turn ^= 1;
  channels[turn]!.port2.postMessage(null);
}

function closeChannels(): void {
  if (channels === undefined) return;
  for (const channel of channels) {
    channel.port1.onmessage = null;
    channel.port1.close();
    channel.port2.close();
  }
  channels = undefined;
  messageInFlight = false;
}

function portTurn(): Promise<void> {
  return new Promise<void>((resolve) => {
    waiters.push(resolve);
    if (!messageInFlight) post();
  });
}

function timerTurn(): Promise<void> {
  return new Promise<void>((resolve) => {
    systemClock.setTimeout(resolve, 0);
  });
}

async function drainsMicrotasks(): Promise<boolean> {
  for (let i = 0; i < 3; i++) {
    let drained = false;
    void (async () => {
      for (let j = 0; j < PROBE_DEPTH; j++) await undefined;
      drained = true;
    })();
    await portTurn();
    if (!drained) return false;
  }
  return true;
}

function calibrate(): Promise<void> {
  calibration ??= (async () => {
    if (typeof MessageChannel === "function") {
      holders++;
      try {
        for (const candidate of [ONE_PORT, TWO_PORTS]) {
          strategy = candidate;
          if (await drainsMicrotasks()) {
            calibrated = true;
            return;
          }
          closeChannels();
        }
      } finally {
        releaseChannel();
      }
    }
    strategy = TIMER;
    calibrated = true;
  })();
  return calibration;
}

/** Marks the shared channel as in use so that a run of settles does not reopen it each time. */
export function holdChannel(): void {
  holders++;
}

/** Ends a {@link holdChannel}; the channel closes one macrotask after its last user leaves. */
export function releaseChannel(): void {
  holders--;
  if (holders === 0 && !messageInFlight && channels !== undefined) post();
}

/** Whether the shared channel is open; for tests that check nothing keeps a process alive. */
export function isSettleChannelOpen(): boolean {
  return channels !== undefined;
}

/** How settle yields in this runtime, once measured; for tests and diagnostics. */
export function settleStrategy(): "one-port" | "two-ports" | "timer" | undefined {
  if (!calibrated) return undefined;
  return strategy === ONE_PORT ? "one-port" : strategy === TWO_PORTS ? "two-ports" : "timer";
}

/**
 * Resolves on the next macrotask, after every promise chain that can progress without I/O
 * or a timer has run as far as it can. Use it to let code under test reach its next
 * `await` on virtual time before you inspect it.
 *
 * Yields through a shared `MessageChannel` (closed again when idle, so it never keeps a
 * process alive), or `setTimeout(0)` in runtimes where a message does not wait for the
 * microtask queue to empty (workerd); which one is measured once, on first use.
 *
 * @example
 * ```ts
 * const pending = client.fetch("https://a.test/x");
 * await settle();
 * expect(clock.pendingTimers).toBe(1); // the call is waiting on the simulated upstream
 * ```
 */
export function settle(): Promise<void> {
  if (!calibrated) return calibrate().then(settle);
  return strategy === TIMER ? timerTurn() : portTurn();
}
