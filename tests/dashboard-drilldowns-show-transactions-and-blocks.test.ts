// The dashboard's miners views and drill-downs in a real browser (Debian's Chromium via playwright-core) on a
// replayed capture whose rollups add up to its raw documents (tests/dashboard-replay-fixture.ts): the top miners of
// any day and any month (pickers, previous/next, latest) with their share of blocks and the Unknown bucket; a click
// on an hour's bar lists its largest transactions with their EUR value and the price used (pending after the last
// price); a click on a miner lists its blocks, the orphaned one flagged; a pool named `<img src=x onerror=alert(1)>`
// and a coinbase tag `<script>alert(2)</script>` show as that text and run nothing. Drill-downs are in the URL
// (the back button closes them). Screenshots of each view (desktop, phone) in test-artifacts/.

import { expect, test } from "bun:test";
import { dashboardInBrowser, screenshots } from "./browser.ts";
import { EVIL } from "./dashboard-fixture.ts";
import { hashOf, seedReplay, TAG } from "./dashboard-replay-fixture.ts";

const DAY = "?from=2024-03-10T00:00Z&to=2024-03-11T00:00Z";

const firstCells = (id: string) => rows(id).then((r) => r.map((c) => c[0]));
const until = (fn: () => boolean) => ui.page.waitForFunction(fn, null, { timeout: 5000 });
const urlHas = (s: string) => ui.page.waitForFunction((s) => location.search.includes(s), s, { timeout: 5000 });

/** A real click in the middle of bar `i` of a Chart.js bar chart. */
async function clickBar(id: string, i: number) {
  await ui.page.locator(`#${id}`).scrollIntoViewIfNeeded();
  type Bar = { x: number; y: number; base: number };
  type Charts = { Chart: { getChart(c: unknown): { getDatasetMeta(i: number): { data: Bar[] } } } };
  const p = await ui.page.evaluate(
    ([id, i]) => {
      const chart = (window as unknown as Charts).Chart.getChart(document.getElementById(id as string));
      const bar = chart.getDatasetMeta(0).data[i as number]!;
      return { x: bar.x, y: (bar.y + bar.base) / 2 };
    },
    [id, i],
  );
  const box = (await ui.page.locator(`#${id}`).boundingBox())!;
  await ui.page.mouse.click(box.x + p.x, box.y + p.y);
}

const ui = dashboardInBrowser({
  namespace: "dash-drill",
  artifact: "dashboard-drilldowns",
  seed: seedReplay,
  open: `/${DAY}`,
  ready: (page) =>
    page.waitForFunction(() => document.querySelectorAll("#miners-day tbody tr").length === 4, null, {
      timeout: 5000,
    }),
});
const { text, rows } = ui;

test("the top miners of the latest day and month, with shares and the Unknown bucket", async () => {
  expect(await text("#miners-day-start")).toBe("(2024-03-10)");
  expect(await text("#miners-day-total")).toBe("7 blocks by 4 miners");
  expect(await rows("miners-day")).toEqual([
    ["1", "Foundry USA", "3", "42.9%", "18.90000000 BTC"],
    ["2", "AntPool", "2", "28.6%", "12.70000000 BTC"],
    ["3", EVIL, "1", "14.3%", "6.27500000 BTC"],
    ["4", "Unknown (no pool identified)", "1", "14.3%", "6.26000000 BTC"],
  ]);
  expect(await text("#miners-month-start")).toBe("(2024-03)");
  expect((await rows("miners-month")).map((r) => r.slice(1, 4))).toEqual([
    ["Foundry USA", "3", "33.3%"],
    ["AntPool", "2", "22.2%"],
    ["ViaBTC", "2", "22.2%"],
    [EVIL, "1", "11.1%"],
    ["Unknown (no pool identified)", "1", "11.1%"],
  ]);
  expect(await ui.page.inputValue("#day-input")).toBe("2024-03-10");
  expect(await ui.page.inputValue("#month-input")).toBe("2024-03");
  await ui.page.click("[data-unit=eur]");
  await until(() => document.querySelector("#miners-day tbody td:last-child")?.textContent === "€1,127,603.13");
  expect((await rows("miners-day")).map((r) => r[4])).toEqual([
    "€1,127,603.13",
    "€761,803.13",
    "€389,051.57",
    "€388,121.57",
  ]);
  await screenshots(ui.page, "dashboard-miners-latest");
  await ui.page.click("[data-unit=btc]");
});

test("any day and any month: previous/next, a picked date, back to the latest", async () => {
  await ui.page.click("#day-prev");
  await urlHas("day=2024-03-09");
  await until(() => document.querySelector("#miners-day tbody td:nth-child(2)")?.textContent === "ViaBTC");
  expect(await rows("miners-day")).toEqual([["1", "ViaBTC", "2", "100.0%", "12.53000000 BTC"]]);
  await ui.page.fill("#day-input", "2024-02-28");
  await urlHas("day=2024-02-28");
  await until(() => document.querySelector("#miners-day tbody td:nth-child(2)")?.textContent === "F2Pool");
  await ui.page.click("#month-prev");
  await urlHas("month=2024-02");
  await until(() => document.querySelector("#miners-month tbody td:nth-child(2)")?.textContent === "F2Pool");
  expect(await rows("miners-month")).toEqual([["1", "F2Pool", "1", "100.0%", "6.28000000 BTC"]]);
  expect(await text("#miners-month-start")).toBe("(2024-02)");
  await screenshots(ui.page, "dashboard-miners-picked");
  await ui.page.click("#day-next");
  await urlHas("day=2024-02-29");
  await until(() => document.getElementById("miners-day-total")?.textContent === "no block in this period");
  await ui.page.goBack();
  await urlHas("day=2024-02-28");
  await ui.page.click("#day-latest");
  await ui.page.click("#month-latest");
  await ui.page.waitForFunction((q) => location.search === q, DAY);
  await until(() => document.querySelectorAll("#miners-day tbody tr").length === 4);
});

test("a click on an hour's bar lists its largest transactions, priced at the price in effect", async () => {
  await clickBar("chart-volume", 0);
  await urlHas("hour=2024-03-10T12:00Z");
  await until(() => document.querySelectorAll("#drill-hour-table tbody tr").length === 3);
  expect(await text("#drill-hour-title")).toBe("Transactions of 2024-03-10 12:00 UTC");
  expect(await text("#drill-hour-sub")).toBe("3 transactions, 124.95678901 BTC in all; the 3 largest:");
  const p2 = "€61,000.50 at 2024-03-10 12:10:00 UTC (test)";
  expect(await rows("drill-hour-table")).toEqual([
    [hashOf("tx:B"), "2024-03-10 12:30:00 UTC", "120.00000000 BTC", "€7,320,060.00", p2],
    [hashOf("tx:C"), "2024-03-10 12:45:30 UTC", "3.45678901 BTC", "€210,865.86", p2],
    [
      hashOf("tx:A"),
      "2024-03-10 12:05:00 UTC",
      "1.50000000 BTC",
      "€90,000.00",
      "€60,000.00 at 2024-03-10 11:50:00 UTC (test)",
    ],
  ]);
  // a hash is plain text, selected whole on a click (to copy), not a link
  expect(await ui.page.$eval("#drill-hour-table td.hash", (td) => getComputedStyle(td).userSelect)).toBe("all");
  expect(await ui.page.$$eval("#drill-hour-table a, #drill-hour-table button", (els) => els.length)).toBe(0);
  await screenshots(ui.page, "dashboard-hour-drilldown");
  // the latest hour, from the hourly table: after the last price, its transaction waits for one
  await ui.page.click("#hours-details summary");
  await ui.page.click("#hours tbody tr:first-child button");
  await urlHas("hour=2024-03-10T16:00Z");
  await until(
    () =>
      document.querySelector("#drill-hour-table tbody td:nth-child(4)")?.textContent?.startsWith("pending") ?? false,
  );
  expect(await rows("drill-hour-table")).toEqual([
    [hashOf("tx:F"), "2024-03-10 16:10:00 UTC", "0.50000000 BTC", "pending (no price yet)", "–"],
  ]);
  await clickBar("chart-max", 1);
  await urlHas("hour=2024-03-10T14:00Z");
  await until(() => document.querySelectorAll("#drill-hour-table tbody tr").length === 2);
  expect((await rows("drill-hour-table")).map((r) => r[3])).toEqual(["€152,501.25", "€124,000.50"]);
  await ui.page.goBack();
  await urlHas("hour=2024-03-10T16:00Z");
  await ui.page.goBack();
  await ui.page.goBack();
  await ui.page.waitForFunction((q) => location.search === q, DAY);
  await until(() => document.getElementById("drill-hour")?.hidden === true);
});

test("a click on a miner lists its blocks; a hostile name and tag show as text and run nothing", async () => {
  await ui.page.click(`#miners-day tbody tr:nth-child(3) button`);
  await urlHas("of=day");
  await until(() => document.querySelectorAll("#drill-miner-table tbody tr").length === 2);
  expect(await ui.page.evaluate(() => new URLSearchParams(location.search).get("miner"))).toBe(EVIL);
  expect(await text("#drill-miner-title")).toBe(`Blocks of ${EVIL} in 2024-03-10`);
  expect(await text("#drill-miner-sub")).toBe("2 blocks, 1 orphaned in a chain split (not counted in the rewards):");
  expect(await rows("drill-miner-table")).toEqual([
    [
      "834,006",
      hashOf("block:834006:true"),
      "2024-03-10 14:41:00 UTC",
      "6.25000000 BTC",
      "€387,501.56",
      "unknown",
      "yes, lost a split",
      TAG,
    ],
    [
      "834,006",
      hashOf("block:834006:false"),
      "2024-03-10 14:40:00 UTC",
      "6.27500000 BTC",
      "€389,051.57",
      "0.02500000 BTC",
      "no",
      TAG,
    ],
  ]);
  expect(await ui.page.evaluate(() => document.querySelectorAll("body img, main script, [onerror]").length)).toBe(0);
  await screenshots(ui.page, "dashboard-miner-drilldown");
  await ui.page.click("#drill-miner-close");
  await until(() => document.getElementById("drill-miner")?.hidden === true);
  expect(await ui.page.evaluate(() => location.search.includes("miner="))).toBe(false);
  // the Unknown bucket's blocks, and a month's: fees unknown for a block without its details
  await ui.page.click(`#miners-day tbody tr:nth-child(4) button`);
  await until(() => document.querySelector("#drill-miner-table td.tag")?.textContent === "/mystery/");
  await ui.page.click(`#miners-month tbody tr:nth-child(2) button`);
  await urlHas("of=month");
  await until(() => document.querySelectorAll("#drill-miner-table tbody tr").length === 2);
  expect(await text("#drill-miner-title")).toBe("Blocks of AntPool in 2024-03");
  expect((await firstCells("drill-miner-table")).concat((await rows("drill-miner-table")).map((r) => r[5]!))).toEqual([
    "834,004",
    "834,002",
    "unknown",
    "0.20000000 BTC",
  ]);
  await ui.page.waitForTimeout(300);
  expect(ui.dialogs).toEqual([]);
});
