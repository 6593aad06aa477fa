/**
 * Where Chromium is and how tests start it. TOOLCHAIN.md: Debian's chromium, driven by
 * playwright-core (installed by .ci/run). Without the background-networking flags Chromium
 * tries to reach Google at start and this machine's closed network refuses it.
 *
 * @example
 * ```ts
 * await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, args: CHROMIUM_ARGS });
 * ```
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** The flags every test's Chromium starts with. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
