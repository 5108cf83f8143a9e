// The dashboard's time picker in a real browser (Debian's Chromium via playwright-core) on a replayed capture of
// 2024-03-10 (tests/dashboard-replay-fixture.ts): opened without a range, the page shows the capture's own period
// (not an empty "last 24 h"); previous/next move the range and the back button undoes them; an absolute from/to in
// UTC shows just its hours; a preset after the data says so and jumps to the data's latest period; the state is
// in the URL, so a reload (a shared link) shows the same view. Screenshots (desktop, phone) in test-artifacts/.

import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import type { Config } from "../scripts/lib/config.ts";
import { launchBrowser, screenshots, startDashboard } from "./browser.ts";
import { dropNamespace, freshNamespace } from "./cluster.ts";
import { seedReplay } from "./dashboard-replay-fixture.ts";

let cfg: Config;
let dash: Awaited<ReturnType<typeof startDashboard>>;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
const OWN = "?from=2024-03-09T17:00Z&to=2024-03-10T17:00Z";

const text = (sel: string) => page.locator(sel).textContent();
const hours = () => page.$$eval("#hours tbody tr td:first-child", (tds) => tds.map((td) => td.textContent));
const search = () => page.evaluate(() => location.search);
/** Wait until the URL's query is `q` and the hourly table has `n` rows. */
async function shows(q: string, n: number) {
  await page.waitForFunction((q) => location.search === q, q, { timeout: 5000 });
  await page.waitForFunction((n) => document.querySelectorAll("#hours tbody tr").length === n, n, { timeout: 5000 });
}

beforeAll(async () => {
  cfg = await freshNamespace("dash-time");
  await seedReplay(cfg);
  dash = await startDashboard(cfg.namespace, "dashboard-time-picker");
  browser = await launchBrowser();
  page = await browser.context.newPage();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await dash?.stop();
  if (cfg) await dropNamespace(cfg);
}, 30_000);

test("a replayed capture opens on its own period, not on an empty last 24 h", async () => {
  await page.goto(dash.url);
  await shows(OWN, 3);
  expect(await text("#range-text")).toBe("2024-03-09 17:00 – 2024-03-10 17:00 UTC");
  expect(await hours()).toEqual(["2024-03-10 16:00 UTC", "2024-03-10 14:00 UTC", "2024-03-10 12:00 UTC"]);
  expect(await text("#origin-label")).toBe("REPLAY");
  expect(await page.locator("#stale").isHidden()).toBe(true);
  expect(await text("#price-latest")).toBe("€62,345.67");
  expect(await page.evaluate(() => history.length)).toBe(2); // about:blank, then the page: the jump replaced it
  await screenshots(page, "dashboard-replay-own-period");
});

test("previous and next move the range by its length; the back button undoes them", async () => {
  await page.click("#range-prev");
  await shows("?from=2024-03-08T17:00Z&to=2024-03-09T17:00Z", 0);
  expect(await text("#volume-latest")).toBe("no transaction in this range");
  await page.goBack();
  await shows(OWN, 3);
  await page.goForward();
  await shows("?from=2024-03-08T17:00Z&to=2024-03-09T17:00Z", 0);
  await page.click("#range-next");
  await shows(OWN, 3);
  expect(await page.locator("#range-next").isDisabled()).toBe(false);
});

test("an absolute from/to in UTC shows just its hours", async () => {
  await page.fill("#range-from", "2024-03-10T12:00");
  await page.fill("#range-to", "2024-03-10T15:00");
  await page.click("#range-form button[type=submit]");
  await shows("?from=2024-03-10T12:00Z&to=2024-03-10T15:00Z", 2);
  expect(await hours()).toEqual(["2024-03-10 14:00 UTC", "2024-03-10 12:00 UTC"]);
  expect(await text("#price-latest")).toBe("€62,000.25"); // the last price of the range, 14:20
  expect(await text("#range-text")).toBe("2024-03-10 12:00 – 2024-03-10 15:00 UTC");
  await screenshots(page, "dashboard-absolute-range");
});

test("a preset after the data says so and offers the data's latest period", async () => {
  await page.click("[data-range='7d']");
  await page.waitForFunction(() => location.search === "?range=7d");
  await page.waitForFunction(() => !document.getElementById("stale")?.hidden, null, { timeout: 5000 });
  expect(await text("#stale-text")).toBe(
    "The data ends at 2024-03-10 17:00 UTC, before this range (a replay, or a feed that stopped).",
  );
  expect(await page.locator("#range-next").isDisabled()).toBe(true);
  await screenshots(page, "dashboard-stale-range");
  await page.click("#stale-jump");
  await shows("?from=2024-03-03T17:00Z&to=2024-03-10T17:00Z", 3);
  expect(await page.locator("#stale").isHidden()).toBe(true);
  await page.goBack();
  await page.waitForFunction(() => !document.getElementById("stale")?.hidden, null, { timeout: 5000 });
  expect(await search()).toBe("?range=7d");
});

test("the state is in the URL: a reload (a shared link) shows the same view", async () => {
  await page.click("[data-range='1h']");
  await page.waitForFunction(() => location.search === "?range=1h");
  await page.goto(`${dash.url}/?from=2024-03-10T12:00Z&to=2024-03-10T15:00Z`);
  await shows("?from=2024-03-10T12:00Z&to=2024-03-10T15:00Z", 2);
  await page.click("[data-unit=eur]");
  await page.waitForFunction(() => location.search.endsWith("&unit=eur"));
  const before = await hours();
  const volumes = () => page.$$eval("#hours tbody tr td:nth-child(3)", (tds) => tds.map((td) => td.textContent));
  expect(await volumes()).toEqual(["€276,501.75", "€7,620,925.86"]);
  await page.reload();
  await shows("?from=2024-03-10T12:00Z&to=2024-03-10T15:00Z&unit=eur", 2);
  expect(await hours()).toEqual(before);
  expect(await volumes()).toEqual(["€276,501.75", "€7,620,925.86"]);
  expect(await page.getAttribute("[data-unit=eur]", "aria-pressed")).toBe("true");
  expect(await text("#range-text")).toBe("2024-03-10 12:00 – 2024-03-10 15:00 UTC");
});
