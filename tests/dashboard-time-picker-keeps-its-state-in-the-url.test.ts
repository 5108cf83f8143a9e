// The dashboard's time picker in a real browser (Debian's Chromium via playwright-core) on a replayed capture of
// 2024-03-10 (tests/dashboard-replay-fixture.ts): opened without a range, the page shows the capture's own period
// (not an empty "last 24 h"); previous/next move the range and the back button undoes them; an absolute from/to in
// UTC shows just its hours; a preset after the data says so and jumps to the data's latest period; the state is
// in the URL, so a reload (a shared link) shows the same view. Screenshots (desktop, phone) in test-artifacts/.

import { expect, test } from "bun:test";
import { dashboardInBrowser, screenshots } from "./browser.ts";
import { seedReplay } from "./dashboard-replay-fixture.ts";

const OWN = "?from=2024-03-09T17:00Z&to=2024-03-10T17:00Z";

const hours = () => ui.page.$$eval("#hours tbody tr td:first-child", (tds) => tds.map((td) => td.textContent));
const search = () => ui.page.evaluate(() => location.search);
/** Wait until the URL's query is `q` and the hourly table has `n` rows. */
async function shows(q: string, n: number) {
  await ui.page.waitForFunction((q) => location.search === q, q, { timeout: 5000 });
  await ui.page.waitForFunction((n) => document.querySelectorAll("#hours tbody tr").length === n, n, { timeout: 5000 });
}

const ui = dashboardInBrowser({ namespace: "dash-time", artifact: "dashboard-time-picker", seed: seedReplay });
const { text } = ui;

test("a replayed capture opens on its own period, not on an empty last 24 h", async () => {
  await ui.page.goto(ui.dash.url);
  await shows(OWN, 3);
  expect(await text("#range-text")).toBe("2024-03-09 17:00 – 2024-03-10 17:00 UTC");
  expect(await hours()).toEqual(["2024-03-10 16:00 UTC", "2024-03-10 14:00 UTC", "2024-03-10 12:00 UTC"]);
  expect(await text("#origin-label")).toBe("REPLAY");
  expect(await ui.page.locator("#stale").isHidden()).toBe(true);
  expect(await text("#price-latest")).toBe("€62,345.67");
  expect(await ui.page.evaluate(() => history.length)).toBe(2); // about:blank, then the page: the jump replaced it
  await screenshots(ui.page, "dashboard-replay-own-period");
});

test("previous and next move the range by its length; the back button undoes them", async () => {
  await ui.page.click("#range-prev");
  await shows("?from=2024-03-08T17:00Z&to=2024-03-09T17:00Z", 0);
  expect(await text("#volume-latest")).toBe("no transaction in this range");
  await ui.page.goBack();
  await shows(OWN, 3);
  await ui.page.goForward();
  await shows("?from=2024-03-08T17:00Z&to=2024-03-09T17:00Z", 0);
  await ui.page.click("#range-next");
  await shows(OWN, 3);
  expect(await ui.page.locator("#range-next").isDisabled()).toBe(false);
});

test("an absolute from/to in UTC shows just its hours", async () => {
  await ui.page.fill("#range-from", "2024-03-10T12:00");
  await ui.page.fill("#range-to", "2024-03-10T15:00");
  await ui.page.click("#range-form button[type=submit]");
  await shows("?from=2024-03-10T12:00Z&to=2024-03-10T15:00Z", 2);
  expect(await hours()).toEqual(["2024-03-10 14:00 UTC", "2024-03-10 12:00 UTC"]);
  expect(await text("#price-latest")).toBe("€62,000.25"); // the last price of the range, 14:20
  expect(await text("#range-text")).toBe("2024-03-10 12:00 – 2024-03-10 15:00 UTC");
  await screenshots(ui.page, "dashboard-absolute-range");
});

test("a preset after the data says so and offers the data's latest period", async () => {
  await ui.page.click("[data-range='7d']");
  await ui.page.waitForFunction(() => location.search === "?range=7d");
  await ui.page.waitForFunction(() => !document.getElementById("stale")?.hidden, null, { timeout: 5000 });
  expect(await text("#stale-text")).toBe(
    "The data ends at 2024-03-10 17:00 UTC, before this range (a replay, or a feed that stopped).",
  );
  expect(await ui.page.locator("#range-next").isDisabled()).toBe(true);
  await screenshots(ui.page, "dashboard-stale-range");
  await ui.page.click("#stale-jump");
  await shows("?from=2024-03-03T17:00Z&to=2024-03-10T17:00Z", 3);
  expect(await ui.page.locator("#stale").isHidden()).toBe(true);
  await ui.page.goBack();
  await ui.page.waitForFunction(() => !document.getElementById("stale")?.hidden, null, { timeout: 5000 });
  expect(await search()).toBe("?range=7d");
});

test("the state is in the URL: a reload (a shared link) shows the same view", async () => {
  await ui.page.click("[data-range='1h']");
  await ui.page.waitForFunction(() => location.search === "?range=1h");
  await ui.page.goto(`${ui.dash.url}/?from=2024-03-10T12:00Z&to=2024-03-10T15:00Z`);
  await shows("?from=2024-03-10T12:00Z&to=2024-03-10T15:00Z", 2);
  await ui.page.click("[data-unit=eur]");
  await ui.page.waitForFunction(() => location.search.endsWith("&unit=eur"));
  const before = await hours();
  const volumes = () => ui.page.$$eval("#hours tbody tr td:nth-child(3)", (tds) => tds.map((td) => td.textContent));
  expect(await volumes()).toEqual(["€276,501.75", "€7,620,925.86"]);
  await ui.page.reload();
  await shows("?from=2024-03-10T12:00Z&to=2024-03-10T15:00Z&unit=eur", 2);
  expect(await hours()).toEqual(before);
  expect(await volumes()).toEqual(["€276,501.75", "€7,620,925.86"]);
  expect(await ui.page.getAttribute("[data-unit=eur]", "aria-pressed")).toBe("true");
  expect(await text("#range-text")).toBe("2024-03-10 12:00 – 2024-03-10 15:00 UTC");
});
