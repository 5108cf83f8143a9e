// The dashboard's endpoint, sent raw HTTP on a TCP socket (node:net, no URL normalisation by a client): paths that
// climb out of the page (`/../../etc/passwd`, `%2e%2e`, `..%2f`, an absolute URL aimed at Elasticsearch) are 404
// and no file content leaks; an overlong query (10 KB) is 414; an impossible date (2025-02-30) or a range over
// 400 days is 400; POST/PUT/DELETE/PATCH are 405; unknown names are 404; the named queries still answer.
// Real Elasticsearch behind it (a namespace with the replayed capture).

import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import type { Config } from "../scripts/lib/config.ts";
import { startDashboard } from "./browser.ts";
import { dropNamespace, freshNamespace } from "./cluster.ts";
import { rawHttp } from "./dashboard-raw-http.ts";
import { seedReplay } from "./dashboard-replay-fixture.ts";

let cfg: Config;
let dash: Awaited<ReturnType<typeof startDashboard>>;
let port = 0;
const PASSWD = readFileSync("/etc/passwd", "utf8").split("\n")[0]!; // "root:x:0:0:…"
const req = (method: string, target: string, body = "") =>
  `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n` +
  (body ? `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n` : "") +
  `\r\n${body}`;
const send = (method: string, target: string, body = "") => rawHttp(port, req(method, target, body));

beforeAll(async () => {
  cfg = await freshNamespace("dash-raw");
  await seedReplay(cfg);
  dash = await startDashboard(cfg.namespace, "dashboard-api-refuses-raw-hostile-requests");
  port = Number(new URL(dash.url).port);
}, 60_000);

afterAll(async () => {
  await dash?.stop();
  if (cfg) await dropNamespace(cfg);
}, 30_000);

test("paths out of the page are 404 and nothing of the files leaks", async () => {
  for (const target of [
    "/../../etc/passwd",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/%2E%2E/%2E%2E/etc/passwd",
    "/..%2f..%2fetc%2fpasswd",
    "/vendor/../../../../etc/passwd",
    "//etc/passwd",
    "/./../.env",
    "/%2e%2e/.env",
    "/api/../../../etc/passwd",
    "/api/%2e%2e/%2e%2e/etc/passwd",
    "/vendor/chart.umd.min.js/../../package.json",
    "/public/../server.ts",
    "/scripts/dashboard/server.ts",
    "/view.ts",
    "http://127.0.0.1:9200/_cat/indices",
    "/api/price/../../_cluster/health",
  ]) {
    const r = await send("GET", target);
    expect({ target, status: r.status }).toEqual({ target, status: 404 });
    expect(r.text).not.toContain(PASSWD);
    expect(r.text).not.toContain("btc-realtime"); // neither the page nor package.json
    expect(r.text).not.toContain("import ");
  }
});

test("an overlong query is 414; a bad date, a range over 400 days, a bad size are 400", async () => {
  const long = await send("GET", `/api/volume?from=${"9".repeat(10_240)}&to=2024-03-10T00:00Z`);
  expect(long.status).toBe(414);
  for (const target of [
    "/api/volume?from=2025-02-30T00:00Z&to=2025-03-02T00:00Z",
    "/api/volume?from=2024-02-29T00:00Z&to=2025-02-29T00:00Z",
    "/api/volume?from=2024-01-01T00:00Z&to=2025-02-05T00:00Z",
    "/api/price?from=2024-03-10T00:00:00%2B01:00&to=2024-03-11T00:00Z",
    "/api/price?from=1710028800000&to=1710115200000",
    "/api/miners?day=2024-02-30",
    "/api/miners?month=2024-13",
    "/api/hour?hour=2024-03-10T12:30Z",
    "/api/hour?hour=2024-03-10T12:00Z&size=100000",
    `/api/blocks?miner=${"x".repeat(600)}&day=2024-03-10`,
    "/api/blocks?miner=AntPool&day=2024-03-10&month=2024-03",
    "/api/stream?from=2024-03-10T00:00Z",
  ]) {
    const r = await send("GET", target);
    expect({ target, status: r.status }).toEqual({ target, status: 400 });
  }
});

test("nothing but GET and HEAD: writes are 405", async () => {
  for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
    for (const target of ["/api/price", "/api/volume?range=24h", "/api/stream", "/"]) {
      const r = await send(method, target, method === "DELETE" ? "" : '{"query":{"match_all":{}}}');
      expect({ method, target, status: r.status }).toEqual({ method, target, status: 405 });
    }
    expect((await send(method, "/btc-value/_doc/1", "{}")).status).toBe(404);
  }
  expect((await send("HEAD", "/api/price")).status).toBe(200);
});

test("unknown names are 404; the named queries answer", async () => {
  for (const target of ["/api/search", "/api/_search", "/api/Price", "/api/constructor", "/api/__proto__", "/_search"])
    expect({ target, status: (await send("GET", target)).status }).toEqual({ target, status: 404 });
  const hour = await send("GET", "/api/hour?hour=2024-03-10T12:00Z");
  expect(hour.status).toBe(200);
  expect(hour.head.toLowerCase()).toContain("content-security-policy");
  expect(JSON.parse(hour.body).count).toBe(3);
});
