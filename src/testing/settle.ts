import { systemClock } from "../clock";

/*
 * Why a macrotask: a `Promise` chain of unknown depth (undici's `res.text()` alone takes 8
 * microtask turns on Node 20, `await` chains in the code under test add more) has settled only
 * once the microtask queue is empty, and the first moment JavaScript can observe that is the
 * next macrotask. A `MessageChannel` message is the fastest web-standard macrotask (≈1 µs per
 * round trip on Node 20, Bun and Deno; `setTimeout(0)` is clamped to 1–4 ms).
 *
 * Why two channels, used in turn: Deno delivers a message posted to a port whose receive loop
 * has not yet re-armed after its previous message within the same turn of microtasks (seen in
 * Deno 2.9: after 5 turns, not after the queue emptied). Posting to the other port, armed
 * since at least one macrotask earlier, gives a real macrotask everywhere. At most one message
 * is in flight; every waiter that arrives meanwhile wakes with it.
 *
 * An open port keeps Node and Deno alive, so the channels are closed once nobody uses them:
 * users bracket a run of settles with `holdChannel()` / `releaseChannel()`, and the last
 * release posts one more message whose delivery closes the ports unless someone picked them
 * up in the meantime.
 */

let channels: [MessageChannel, MessageChannel] | undefined;
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
    channels[0].port1.onmessage = onMessage;
    channels[1].port1.onmessage = onMessage;
  }
  messageInFlight = true;
  turn ^= 1;
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

/**
 * Resolves on the next macrotask, after every promise chain that can progress without I/O
 * or a timer has run as far as it can. Use it to let code under test reach its next
 * `await` on virtual time before you inspect it.
 *
 * Uses a shared `MessageChannel` (closed again when idle, so it never keeps a process
 * alive); falls back to `setTimeout(0)` where `MessageChannel` does not exist.
 *
 * @example
 * ```ts
 * const pending = client.fetch("https://a.test/x");
 * await settle();
 * expect(clock.pendingTimers).toBe(1); // the call is waiting on the simulated upstream
 * ```
 */
export function settle(): Promise<void> {
  return new Promise<void>((resolve) => {
    if (typeof MessageChannel !== "function") {
      systemClock.setTimeout(resolve, 0);
      return;
    }
    waiters.push(resolve);
    if (!messageInFlight) post();
  });
}
