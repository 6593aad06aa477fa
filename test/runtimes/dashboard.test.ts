import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalHub, startLocalHub } from "../../examples/hub-local";
import type { HubSnapshot, HubUpstreamReport } from "../../src/protocol";
import { launchChromium } from "./chromium";

// Where the last run's screenshot goes (overwritten each run; outside the repository).
const SCREENSHOT =
  process.env.DASHBOARD_SCREENSHOT ?? join(tmpdir(), "resilient-fetch-dashboard.png");

/** An upstream on 127.0.0.1 answering `status`; `stop()` refuses connections from then on. */
async function upstream(status: number) {
  const server: Server = createServer((_req, res) => res.writeHead(status).end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return stopped;
  };
  return { url, stop };
}

const calls = (url: string, ok: number, failed: number): HubUpstreamReport => ({
  url,
  successes: ok,
  failures: failed,
  timeouts: 0,
  latency: { count: ok + failed, sumMs: (ok + failed) * 12, maxMs: 40 },
});

// The hub's dashboard in a real browser: the local hub (workerd) heartbeats three local
// upstreams (one healthy, one answering 503, one stopped during a test), two locations
// report calls, and the page shows what the API says, live.
describe("Chromium: the hub's dashboard", () => {
  let servers: Awaited<ReturnType<typeof upstream>>[] = [];
  let hub: LocalHub;
  let browser: Browser | undefined;
  let ok: string;
  let failing: string;
  let doomed: Awaited<ReturnType<typeof upstream>>;
  const service = "dash";
  const problems: string[] = [];

  const api = (path: string, token: string, init: RequestInit = {}) =>
    fetch(`${hub.url}/v1/services/${service}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    });
  const report = async (colo: string, upstreams: HubUpstreamReport[]) => {
    const body = JSON.stringify({ colo, upstreams });
    const res = await api("/reports", hub.tokens.report, { method: "POST", body });
    expect(res.status).toBe(202);
  };

  beforeAll(async () => {
    servers = await Promise.all([upstream(200), upstream(503), upstream(200)]);
    [ok, failing] = servers.map((s) => s.url) as [string, string];
    doomed = servers[2]!;
    hub = await startLocalHub();
    const config = await api("/config", hub.tokens.admin, {
      method: "PUT",
      body: JSON.stringify({
        upstreams: [ok, failing, doomed.url],
        heartbeat: { interval: 1_000, timeout: 500, rise: 1, fall: 1 },
      }),
    });
    expect(config.status).toBe(201);
    // Only the hub's heartbeats judge `doomed`, so stopping it turns its verdict down.
    await report("AMS", [calls(ok, 40, 0), calls(failing, 0, 30)]);
    await report("BBB", [calls(ok, 25, 0)]);
    // Wait (bounded) for the first heartbeats to decide every verdict.
    for (let i = 0; i < 100; i++) {
      const snapshot = (await (await api("/health", hub.tokens.read)).json()) as HubSnapshot;
      if (snapshot.upstreams.every((u) => u.heartbeat.verdict !== "unknown")) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    browser = await launchChromium();
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    await Promise.all(servers.map((s) => s.stop()));
  });

  async function open(token: string): Promise<Page> {
    const page = await browser!.newPage({ viewport: { width: 1366, height: 768 } }); // a laptop
    page.on("pageerror", (error) => problems.push(error.message));
    // A Content-Security-Policy violation is logged as a console error too.
    page.on("console", (message) => {
      if (message.type() === "error" && !/401|403/.test(message.text()))
        problems.push(message.text());
    });
    await page.goto(`${hub.url}/dashboard?service=${service}`);
    await page.fill("#token", token);
    await page.click("button[type=submit]");
    return page;
  }
  const verdictOf = (page: Page, selector: string) =>
    page.locator(selector).first().getAttribute("data-verdict");

  it("shows each upstream's verdict and figures, the grid of locations, and the event log", async () => {
    const page = await open(hub.tokens.read);
    const okRow = page.locator(`#upstreams tr[data-url="${ok}"]`);
    await okRow.waitFor({ timeout: 10_000 });
    expect(await verdictOf(page, `#upstreams tr[data-url="${ok}"] td.verdict`)).toBe("up");
    expect(await verdictOf(page, `#upstreams tr[data-url="${failing}"] td.verdict`)).toBe("down");
    expect(await okRow.textContent()).toContain("100.00%"); // success rate of the reports
    expect(await page.locator("#title").textContent()).toBe(service);
    // The grid: a column per location that reported, plus the hub's own heartbeats.
    const columns = await page.locator("#grid thead th").allTextContents();
    expect(columns).toEqual(["Upstream", "Overall", "Hub heartbeats", "AMS", "BBB"]);
    const cellOf = (url: string, colo: string) =>
      `#grid tr[data-url="${url}"] td[data-colo="${colo}"] .verdict`;
    expect(await verdictOf(page, cellOf(failing, "AMS"))).toBe("down");
    expect(await verdictOf(page, cellOf(ok, "BBB"))).toBe("up");
    expect(await verdictOf(page, cellOf(failing, "hub"))).toBe("down");
    expect(await page.locator(`#grid tr[data-url="${failing}"]`).textContent()).toContain("503");
    expect(
      await page.locator(`#grid tr[data-url="${failing}"] td[data-colo="BBB"]`).textContent(),
    ).toBe("—");
    expect(await page.locator("#events tbody tr").count()).toBeGreaterThan(0);
    expect(await page.locator("#events").textContent()).toContain(failing);
    // The token stays out of the address bar.
    expect(page.url()).not.toContain(hub.tokens.read);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("draws a timeline per upstream with a lane per vantage point, and latency sparklines", async () => {
    const page = await open(hub.tokens.read);
    const figure = page.locator(`#timelines figure[data-url="${failing}"]`);
    await figure.waitFor({ timeout: 10_000 });
    expect(await page.locator("#timelines figure").count()).toBe(3);
    expect(await figure.locator(".lane-label").allTextContents()).toEqual([
      "Overall",
      "Hub heartbeats",
      "AMS",
    ]);
    // The newest segment of each lane is the verdict now, and says so in its text alternative.
    const overall = figure.locator('svg[data-scope="global"]');
    expect(await overall.locator("rect.seg").last().getAttribute("data-verdict")).toBe("down");
    expect(await overall.getAttribute("aria-label")).toMatch(/^Overall, last 10 min: .*down/);
    expect(await figure.locator("figcaption").textContent()).toContain("down");
    const sparkline = page.locator(`#upstreams tr[data-url="${ok}"] svg.sparkline`);
    await sparkline.waitFor({ timeout: 10_000 });
    expect(await sparkline.getAttribute("aria-label")).toContain("Hub heartbeats");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("turns an upstream down without a reload when it stops answering", async () => {
    const page = await open(hub.tokens.read);
    const row = `#upstreams tr[data-url="${doomed.url}"] td.verdict`;
    await page.locator(`${row}[data-verdict="up"]`).waitFor({ timeout: 10_000 });
    await page.selectOption("#window", "2");
    let loads = 0;
    page.on("load", () => loads++);
    await doomed.stop();
    await page.locator(`${row}[data-verdict="down"]`).waitFor({ timeout: 15_000 });
    expect(loads).toBe(0);
    const cell = `#grid tr[data-url="${doomed.url}"] td[data-colo="hub"] .verdict`;
    expect(await verdictOf(page, cell)).toBe("down");
    const figure = page.locator(`#timelines figure[data-url="${doomed.url}"]`);
    const verdicts = await figure
      .locator('svg[data-scope="global"] rect.seg')
      .evaluateAll((rects) => rects.map((r) => r.getAttribute("data-verdict")));
    expect(verdicts.slice(-2)).toEqual(["up", "down"]);
    expect(await page.locator("#events tbody tr").first().textContent()).toContain(doomed.url);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows what each verdict rests on, and an operator's drain as it happens", async () => {
    const page = await open(hub.tokens.read);
    const amsCell = page.locator(`#grid tr[data-url="${failing}"] td[data-colo="AMS"]`);
    await amsCell.waitFor({ timeout: 10_000 });
    expect(await amsCell.locator(".tag").allTextContents()).toContain("answers");
    expect(await amsCell.textContent()).toContain("30 failed");
    const config = await api("/config", hub.tokens.admin, {
      method: "PUT",
      body: JSON.stringify({
        upstreams: [{ url: ok, drain: true }, failing, doomed.url],
        heartbeat: { interval: 1_000, timeout: 500, rise: 1, fall: 1 },
      }),
    });
    expect(config.status).toBe(200);
    const row = page.locator(`#upstreams tr[data-url="${ok}"]`);
    await row.locator('[data-verdict="drained"]').waitFor({ timeout: 10_000 });
    const figure = page.locator(`#timelines figure[data-url="${ok}"]`);
    expect(await figure.locator(".lane-label").allTextContents()).toEqual([
      "Overall",
      "Drained",
      "Hub heartbeats",
      "AMS",
      "BBB",
    ]);
    const lane = figure.locator('svg[data-scope="drain"]');
    expect(await lane.locator("rect.seg").last().getAttribute("data-verdict")).toBe("drained");
    expect(await page.locator("#events tbody").textContent()).toContain("drained by the operator");
    // Someone copying a reason keeps their selection: polls do not redraw under it.
    const reason = await page
      .locator(`#upstreams tr[data-url="${failing}"] td.reason`)
      .elementHandle();
    await reason!.evaluate((node) => getSelection()!.selectAllChildren(node));
    await page.locator("#status", { hasText: "Paused while text is selected" }).waitFor();
    expect(await reason!.evaluate((node) => node.isConnected)).toBe(true);
    await page.evaluate(() => getSelection()!.removeAllRanges());
    // For people to look at: every part of the page, after the stop and the drain.
    await page.selectOption("#window", "2");
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(`dashboard screenshot: ${SCREENSHOT}`);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("says so when the token is refused, and shows no data", async () => {
    const page = await open("not-a-token");
    await page.locator("#status.error").waitFor({ timeout: 10_000 });
    expect(await page.locator("#status").textContent()).toContain("refused");
    expect(await page.locator("#view").isHidden()).toBe(true);
    await page.close();
  });
});
