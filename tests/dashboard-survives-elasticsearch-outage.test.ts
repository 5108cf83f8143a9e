// When Elasticsearch stops answering the dashboard page says so, and it recovers by itself when it is back.
// The shared cluster is never stopped (other engineers use it): the dashboard child process is pointed at a TCP
// proxy started here (ES_NODES=http://127.0.0.1:<proxy>), and "Elasticsearch stopped" is the proxy stopped
// (listener closed, every connection cut), "restarted" is the proxy listening again on the same port.
// Real browser (Debian's Chromium via playwright-core); screenshots in test-artifacts/.

import { expect, test } from "bun:test";
import { join } from "node:path";
import { indicesOf } from "../scripts/lib/config.ts";
import { esClient } from "../scripts/lib/es.ts";
import { ARTIFACTS, dashboardInBrowser, tcpProxy } from "./browser.ts";
import { fixture, seed } from "./dashboard-fixture.ts";

const proxy = tcpProxy(9200);

const ui = dashboardInBrowser({
  namespace: "dash-outage",
  artifact: "dashboard-survives-elasticsearch-outage",
  seed: (cfg) => seed(cfg, fixture()),
  env: async () => ({ ES_NODES: `http://127.0.0.1:${await proxy.start()}` }),
  open: "/",
  ready: (page) =>
    page.waitForFunction(() => document.getElementById("price-latest")?.textContent === "€62,345.67", null, {
      timeout: 15_000,
    }),
  after: () => proxy.stop(),
});

test("no outage message while Elasticsearch answers", async () => {
  expect(await ui.page.locator("#outage").isHidden()).toBe(true);
});

test("Elasticsearch stopped: the page says so and keeps the last figures", async () => {
  const t0 = Date.now();
  await proxy.stop();
  await ui.page.waitForFunction(() => !document.getElementById("outage")?.hidden, null, { timeout: 10_000 });
  console.log(`outage shown ${Date.now() - t0} ms after Elasticsearch became unreachable`);
  expect(await ui.page.locator("#outage").textContent()).toMatch(/^Elasticsearch is not answering since .* UTC/);
  expect(await ui.page.locator("#price-latest").textContent()).toBe("€62,345.67");
  await ui.page.waitForFunction(() => document.getElementById("health-es")?.textContent?.includes("DOWN"), null, {
    timeout: 10_000,
  });
  await ui.page.screenshot({ path: join(ARTIFACTS, "dashboard-elasticsearch-down.png"), fullPage: true });
}, 30_000);

test("Elasticsearch back: the message goes and new data shows, without a reload", async () => {
  // written straight to the cluster while the dashboard cannot see it
  await esClient(ui.cfg).index({
    index: indicesOf(ui.cfg).value,
    id: "after-outage",
    document: { time: Date.now(), pair: "BTC-EUR", eur: 64_000.01, usd: 69_000, source: "test", origin: "live" },
    refresh: true,
  });
  const t0 = Date.now();
  await proxy.start();
  await ui.page.waitForFunction(() => document.getElementById("outage")?.hidden === true, null, { timeout: 10_000 });
  await ui.page.waitForFunction(() => document.getElementById("price-latest")?.textContent === "€64,000.01", null, {
    timeout: 5000,
  });
  console.log(`recovered ${Date.now() - t0} ms after Elasticsearch was reachable again`);
  await ui.page.waitForFunction(() => !document.getElementById("health-es")?.textContent?.includes("DOWN"), null, {
    timeout: 10_000,
  });
  await ui.page.screenshot({ path: join(ARTIFACTS, "dashboard-elasticsearch-back.png"), fullPage: true });
}, 30_000);
