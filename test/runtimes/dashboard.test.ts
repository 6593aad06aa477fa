import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalHub, startLocalHub } from "../../examples/hub-local";
import type { HubSnapshot } from "../../src/protocol";
import { launchChromium } from "./chromium";

// The hub's dashboard page in a real browser: the local hub (workerd) heartbeats two local
// upstreams, one healthy and one answering 503, and the page shows what the API says.
describe("Chromium: the hub's dashboard", () => {
  let upstreams: Server;
  let hub: LocalHub;
  let browser: Browser | undefined;
  let ok: string;
  let failing: string;
  const service = "dash";
  const problems: string[] = [];

  const api = (path: string, token: string, init: RequestInit = {}) =>
    fetch(`${hub.url}/v1/services/${service}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    });

  beforeAll(async () => {
    upstreams = createServer((req, res) =>
      res.writeHead(req.url?.startsWith("/ok") ? 200 : 503).end(),
    );
    await new Promise<void>((resolve) => upstreams.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(upstreams.address() as AddressInfo).port}`;
    ok = `${base}/ok`;
    failing = `${base}/failing`;
    hub = await startLocalHub();
    const config = await api("/config", hub.tokens.admin, {
      method: "PUT",
      body: JSON.stringify({
        upstreams: [ok, failing],
        heartbeat: { interval: 1_000, timeout: 500, rise: 1, fall: 1 },
      }),
    });
    expect(config.status).toBe(201);
    const report = await api("/reports", hub.tokens.report, {
      method: "POST",
      body: JSON.stringify({
        colo: "AMS",
        upstreams: [
          {
            url: ok,
            successes: 40,
            failures: 0,
            timeouts: 0,
            latency: { count: 40, sumMs: 400, maxMs: 30 },
          },
        ],
      }),
    });
    expect(report.status).toBe(202);
    // Wait (bounded) for the first heartbeats to decide both verdicts.
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
    await new Promise((resolve) => upstreams?.close(resolve));
  });

  async function open(token: string): Promise<Page> {
    const page = await browser!.newPage();
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error" && !/401|403/.test(message.text()))
        problems.push(message.text());
    });
    await page.goto(`${hub.url}/dashboard?service=${service}`);
    await page.fill("#token", token);
    await page.click("button[type=submit]");
    return page;
  }

  it("shows each upstream's verdict, figures and locations, and the event log", async () => {
    const page = await open(hub.tokens.read);
    const okRow = page.locator(`#upstreams tr[data-url="${ok}"]`);
    const failingRow = page.locator(`#upstreams tr[data-url="${failing}"]`);
    await okRow.waitFor({ timeout: 10_000 });
    expect(await okRow.locator("td.verdict").textContent()).toBe("up");
    expect(await failingRow.locator("td.verdict").textContent()).toBe("down");
    expect(await okRow.textContent()).toContain("AMS: up");
    expect(await okRow.textContent()).toContain("100.00%"); // success rate of the report
    expect(await failingRow.textContent()).toContain("503");
    expect(await page.locator("#title").textContent()).toBe(service);
    const events = page.locator("#events tbody tr");
    expect(await events.count()).toBeGreaterThan(0);
    expect(await page.locator("#events").textContent()).toContain(failing);
    // The token stays out of the address bar.
    expect(page.url()).not.toContain(hub.tokens.read);
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
