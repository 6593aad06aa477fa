import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { type Browser, chromium } from "playwright-core";

/**
 * The flags every test's Chromium starts with. Without the background-networking ones
 * Chromium tries to reach Google at start, which a machine with a closed network refuses.
 */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const HOW_TO_GET_IT =
  "The browser tests use the Linux x64 Chromium inside the @sparticuz/chromium dev dependency " +
  "(`npm ci` installs it). Elsewhere, set CHROMIUM_PATH to a Chromium or Chrome binary.";

let executable: Promise<string> | undefined;

/**
 * The Chromium binary the browser tests drive: `CHROMIUM_PATH` if set, else the one inside
 * `@sparticuz/chromium`, unpacked once into `<tmpdir>/resilient-fetch-chromium-<version>`.
 * The package's own `executablePath()` unpacks into `<tmpdir>/chromium` and reuses whatever
 * is there, even a half-written file or another version; here it unpacks into a fresh
 * directory (its TMPDIR) that is renamed into place only when complete, so test files that
 * start at once, or a run killed mid-way, never see a partial binary.
 *
 * @example
 * ```ts
 * const path = await chromiumExecutable(); // "/tmp/resilient-fetch-chromium-153.0.0/chromium"
 * ```
 */
export function chromiumExecutable(): Promise<string> {
  executable ??= findChromium();
  return executable;
}

async function findChromium(): Promise<string> {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv !== undefined && fromEnv !== "") {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist.`);
    return fromEnv;
  }
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(`No Chromium for ${process.platform}-${process.arch}. ${HOW_TO_GET_IT}`);
  }
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve("@sparticuz/chromium");
  } catch (error) {
    throw new Error(`@sparticuz/chromium is not installed. ${HOW_TO_GET_IT}`, { cause: error });
  }
  const { version } = JSON.parse(readFileSync(join(dirname(entry), "../package.json"), "utf8")) as {
    version: string;
  };
  const dir = join(tmpdir(), `resilient-fetch-chromium-${version}`);
  const binary = join(dir, "chromium");
  if (existsSync(binary)) return binary;

  const partial = mkdtempSync(`${dir}-partial-`);
  try {
    const unpack = `const { default: c } = await import(${JSON.stringify(pathToFileURL(entry).href)}); console.log(await c.executablePath());`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--input-type=module", "-e", unpack],
      { env: { ...process.env, TMPDIR: partial }, timeout: 120_000 },
    );
    if (stdout.trim() !== join(partial, "chromium")) {
      throw new Error(`@sparticuz/chromium unpacked to ${stdout.trim()}, not into ${partial}`);
    }
    try {
      renameSync(partial, dir);
    } catch (error) {
      // Another test file unpacked it at the same time and renamed first: use that one.
      if (!existsSync(binary)) throw error;
    }
    return binary;
  } catch (error) {
    throw new Error(`Unpacking Chromium failed. ${HOW_TO_GET_IT}`, { cause: error });
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}

/**
 * Starts headless Chromium for one test file. Playwright gives the browser a fresh profile
 * in a temp dir and removes it on `close()`, which ends every process it started.
 *
 * @example
 * ```ts
 * const browser = await launchChromium();
 * const page = await browser.newPage();
 * await page.goto(`${server.base}/page.html`);
 * await browser.close();
 * ```
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: await chromiumExecutable(),
    headless: true,
    args: CHROMIUM_ARGS,
  });
}
