// The dashboard's endpoint answers its named queries only (price, volume, max, miners, hour, blocks, health,
// stream) with validated parameters, and refuses everything else: no path reaches Elasticsearch, no method writes,
// no file outside the page and the chart library is served. Real Elasticsearch behind it (a namespace with a known capture).

import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Config } from "../scripts/lib/config.ts";
import { startDashboard } from "./browser.ts";
import { dropNamespace, freshNamespace } from "./cluster.ts";
import { EVIL, fixture, seed } from "./dashboard-fixture.ts";

let cfg: Config;
let dash: Awaited<ReturnType<typeof startDashboard>>;
const get = (path: string, init?: RequestInit) => fetch(`${dash.url}${path}`, { redirect: "manual", ...init });

beforeAll(async () => {
  cfg = await freshNamespace("dash-api");
  await seed(cfg, fixture());
  dash = await startDashboard(cfg.namespace, "dashboard-api-is-read-only");
}, 60_000);

afterAll(async () => {
  await dash?.stop();
  if (cfg) await dropNamespace(cfg);
}, 30_000);

test("the named queries answer with the capture's figures", async () => {
  const price = await (await get("/api/price?range=24h")).json();
  expect(price.latest.eur).toBe(62_345.67);
  const volume = await (await get("/api/volume?range=7d&unit=btc")).json();
  expect(volume.hours.map((h: { value: number }) => h.value)).toEqual([1.5, 123.45678901, 2.50000001]);
  const max = await (await get("/api/max?unit=eur")).json();
  expect(max.hours.map((h: { value: number }) => h.value)).toEqual([60_000, 7_320_060, 124_691.34]);
  const miners = await (await get("/api/miners?period=month&unit=eur")).json();
  expect(miners.miners.map((m: { miner: string }) => m.miner)).toEqual(["Foundry USA", "AntPool", EVIL]);
  const health = await (await get("/api/health")).json();
  expect(health.bolts).toHaveLength(5);
  expect(health.es.ok).toBe(true);
  const lib = await get("/vendor/chart.umd.min.js");
  expect(lib.status).toBe(200);
  expect(lib.headers.get("content-security-policy")).toContain("script-src 'self'");
});

test("anything but a named query is 404", async () => {
  for (const path of [
    "/_search",
    "/api/_search",
    "/api/search?q=*",
    "/api/price/../../_cluster/health",
    "/api/%2e%2e/_cat/indices",
    "/btc-value/_search",
    "/_cluster/health",
    "/api/",
    "/api/Price",
    "/api/prices",
    "/vendor/chart.js",
    "/node_modules/chart.js/package.json",
    "/public/app.js",
    "/../.env",
    "/%2e%2e/.env",
    "/.env",
    "/server.ts",
  ]) {
    const r = await get(path);
    expect({ path, status: r.status }).toEqual({ path, status: 404 });
  }
});

test("a parameter not in the query's list is 400", async () => {
  for (const path of [
    "/api/price?range=1y",
    "/api/price?range=24h&range=7d",
    "/api/price?index=btc-miner",
    "/api/price?unit=btc",
    "/api/volume?unit=usd",
    "/api/max?range=",
    "/api/miners?period=week",
    "/api/miners?period=day&size=10000",
    "/api/health?verbose=1",
    "/api/stream?range=90d",
    "/api/stream?q={}",
    "/api/price?__proto__=1",
    "/api/price?constructor=x",
    "/api/hour?hour=2025-02-30T00:00Z",
    "/api/blocks?miner=x",
    "/api/volume?from=2025-01-01T00:00Z&to=2026-06-01T00:00Z",
  ]) {
    const r = await get(path);
    expect({ path, status: r.status }).toEqual({ path, status: 400 });
  }
});

test("nothing but GET: writes are refused", async () => {
  for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
    const r = await get("/api/price", { method, body: method === "DELETE" ? undefined : '{"query":{"match_all":{}}}' });
    expect({ method, status: r.status }).toEqual({ method, status: 405 });
    const r2 = await get("/btc-value/_doc/1", { method, body: "{}" });
    expect(r2.status).toBe(404);
  }
});
