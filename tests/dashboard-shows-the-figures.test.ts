// The built-in dashboard in a real browser (Debian's Chromium via playwright-core) on a namespace fed with a known
// capture (tests/dashboard-fixture.ts): the figures it shows equal the expected ones in BTC and in EUR; a new
// document changes the figure without a reload within 3 s (the measured latency is printed); simulated data gets
// its label, live data none; a pool named `<img src=x onerror=alert(1)>` shows as that literal text and runs
// nothing; the page stays readable at phone width. Screenshots go to test-artifacts/.

import { expect, test } from "bun:test";
import { join } from "node:path";
import { indicesOf } from "../scripts/lib/config.ts";
import { esClient } from "../scripts/lib/es.ts";
import { ARTIFACTS, dashboardInBrowser } from "./browser.ts";
import { EVIL, type Fixture, fixture, seed } from "./dashboard-fixture.ts";

let f: Fixture;

const pad = (n: number) => String(n).padStart(2, "0");
const utc = (t: number) => {
  const d = new Date(t);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
};

const ui = dashboardInBrowser({
  namespace: "dash-figures",
  artifact: "dashboard-shows-the-figures",
  seed: async (cfg) => {
    f = fixture();
    await seed(cfg, f);
  },
  open: "/",
  ready: (page) =>
    page.waitForFunction(() => document.getElementById("price-latest")?.textContent?.startsWith("€"), null, {
      timeout: 15_000,
    }),
});
const { text, rows } = ui;

test("the figures shown equal the capture's, in BTC", async () => {
  expect(await text("#price-latest")).toBe("€62,345.67");
  expect(await text("#volume-latest")).toBe("2.50000001 BTC");
  expect(await text("#max-latest")).toBe("2.00000000 BTC");
  expect(await text("#volume-hour")).toBe(`${utc(f.hours[2]!)} · 5 transactions`);
  expect(await rows("hours")).toEqual([
    [utc(f.hours[2]!), "5", "2.50000001 BTC", "2.00000000 BTC"],
    [utc(f.hours[1]!), "2", "123.45678901 BTC", "120.00000000 BTC"],
    [utc(f.hours[0]!), "3", "1.50000000 BTC", "1.00000000 BTC"],
  ]);
  expect(await rows("miners-day")).toEqual([
    ["1", "Foundry USA", "3", "50.0%", "9.45000000 BTC"],
    ["2", "AntPool", "2", "33.3%", "6.30000000 BTC"],
    ["3", EVIL, "1", "16.7%", "3.15000000 BTC"],
  ]);
  expect(await rows("miners-month")).toEqual([
    ["1", "Foundry USA", "40", "53.3%", "126.00000000 BTC"],
    ["2", "AntPool", "30", "40.0%", "94.50000000 BTC"],
    ["3", EVIL, "5", "6.7%", "15.75000000 BTC"],
  ]);
  expect(await ui.page.locator("#origin-label").isHidden()).toBe(true);
  await ui.page.screenshot({ path: join(ARTIFACTS, "dashboard-desktop-btc.png"), fullPage: true });
});

test("the EUR toggle shows the EUR figures", async () => {
  await ui.page.click("[data-unit=eur]");
  expect(await text("#volume-latest")).toBe("€155,863.42");
  expect(await text("#max-latest")).toBe("€124,691.34");
  expect((await rows("hours"))[1]).toEqual([utc(f.hours[1]!), "2", "€7,531,234.56", "€7,320,060.00"]);
  expect(await rows("miners-day")).toEqual([
    ["1", "Foundry USA", "3", "50.0%", "€589,000.12"],
    ["2", "AntPool", "2", "33.3%", "€392,700.00"],
    ["3", EVIL, "1", "16.7%", "€196,350.50"],
  ]);
  expect((await rows("miners-month"))[1]).toEqual(["2", "AntPool", "30", "40.0%", "€5,890,500.25"]);
  await ui.page.screenshot({ path: join(ARTIFACTS, "dashboard-desktop-eur.png"), fullPage: true });
  await ui.page.click("[data-unit=btc]");
  expect(await text("#volume-latest")).toBe("2.50000001 BTC");
});

test("the health panel shows every bolt and the clusters", async () => {
  await ui.page.waitForFunction(() => document.querySelectorAll("#health-bolts tbody tr").length === 5, null, {
    timeout: 10_000,
  });
  expect((await rows("health-bolts")).map((r) => r[0])).toEqual([
    "prices",
    "transactions",
    "blocks",
    "volume",
    "miners",
  ]);
  expect(await text("#health-es")).toMatch(/^Elasticsearch: (green|yellow), \d nodes$/);
  expect(await text("#health-kafka")).toMatch(/^Kafka: 3\/3 brokers, controller \d+$/);
  expect(await text("#health-dlq")).toBe("Dead letters: 0");
});

test("a new document changes the figure within 3 s, without reloading", async () => {
  await ui.page.evaluate(() => {
    (window as unknown as { marker: number }).marker = 42;
  });
  const h = f.volume[2]!;
  const t0 = Date.now();
  // no refresh: the index's own refresh interval (500 ms) is part of the measured latency
  await esClient(ui.cfg).index({
    index: indicesOf(ui.cfg).volume,
    id: String(h.hour),
    document: { ...h, tx_count: 6, volume_sat: 350_000_001, volume_btc: 3.50000001, updated_at: Date.now() },
  });
  const acked = Date.now();
  await ui.page.waitForFunction(
    () => document.getElementById("volume-latest")?.textContent === "3.50000001 BTC",
    null,
    {
      timeout: 3000,
      polling: 50,
    },
  );
  const shown = Date.now();
  console.log(
    `update latency: ${shown - acked} ms after Elasticsearch acknowledged the write (${shown - t0} ms after sending it)`,
  );
  expect(await text("#volume-hour")).toBe(`${utc(h.hour)} · 6 transactions`);
  expect(await ui.page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42); // no reload
});

test("simulated data carries the SIMULATED label", async () => {
  await esClient(ui.cfg).index({
    index: indicesOf(ui.cfg).value,
    id: "sim",
    document: { time: Date.now(), pair: "BTC-EUR", eur: 63_000, usd: 68_000, source: "sim", origin: "simulated" },
  });
  await ui.page.waitForFunction(() => document.getElementById("origin-label")?.textContent === "SIMULATED", null, {
    timeout: 3000,
  });
  expect(await ui.page.locator("#origin-label").isVisible()).toBe(true);
  expect(await text("#price-latest")).toBe("€63,000.00");
});

test("a hostile pool name is shown as text and runs nothing", async () => {
  const cells = await ui.page.$$eval("#miners-day td, #miners-month td", (tds) => tds.map((td) => td.textContent));
  expect(cells.filter((c) => c === EVIL)).toHaveLength(2);
  expect(await ui.page.evaluate(() => document.querySelectorAll("main img, main [onerror]").length)).toBe(0);
  await ui.page.waitForTimeout(500);
  expect(ui.dialogs).toEqual([]);
});

test("the range switch keeps the figures and the page is readable at phone width", async () => {
  await ui.page.click("[data-range='7d']");
  await ui.page.waitForFunction(
    () => document.querySelector("[data-range='7d']")?.getAttribute("aria-pressed") === "true",
  );
  await ui.page.waitForTimeout(1500);
  expect(await text("#volume-latest")).toBe("3.50000001 BTC");
  const phone = await ui.browser.context.newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.goto(ui.dash.url);
  await phone.waitForFunction(() => document.getElementById("price-latest")?.textContent?.startsWith("€"));
  await phone.waitForTimeout(500);
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  const fontPx = await phone.$eval("#price-latest", (el) => Number.parseFloat(getComputedStyle(el).fontSize));
  expect(fontPx).toBeGreaterThanOrEqual(16);
  await phone.screenshot({ path: join(ARTIFACTS, "dashboard-phone.png"), fullPage: true });
  await phone.close();
}, 30_000);
