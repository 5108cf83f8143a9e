// The built-in live dashboard (supervisord program es-kibana:dashboard): serves the page and a narrow read-only
// API of named queries (GET /api/price|volume|max|miners|health with validated parameters; anything else is 404,
// a bad parameter 400, a method other than GET 405), and pushes updates over SSE (GET /api/stream?range=...).
// It never forwards a request to Elasticsearch: it only runs the builders of queries.ts.
// Indices read: btc-value, btc-volume, btc-miner. Kafka: consumer-group offsets (health).
// Env: DASHBOARD_PORT (8080), DASHBOARD_HOST (127.0.0.1), ES_NODES (+ ES_USERNAME/ES_PASSWORD, ES_API_KEY,
// ES_CA_CERT), KAFKA_BROKERS, BTC_NAMESPACE.

import { join } from "node:path";
import type { Client } from "@elastic/elasticsearch";
import { type Config, configOrExit, PROJECT_ROOT } from "../lib/config.ts";
import { esClient } from "../lib/es.ts";
import { kafkaClient } from "../lib/kafka.ts";
import { fatal, log } from "../lib/log.ts";
import { onShutdown } from "../lib/shutdown.ts";
import { Live, runSearches } from "./live.ts";
import { minersQuery, type Parsed, parseRequest, priceQuery, volumeQuery } from "./queries.ts";
import { hourSeries, originsOf, shapeHours, shapeMiners, shapePrice } from "./shape.ts";

const PUBLIC = join(import.meta.dir, "public");
const ROOT = PROJECT_ROOT;
/** The only files served: the page, and the chart library's browser build from node_modules. */
export const STATIC: Record<string, { file: string; type: string }> = {
  "/": { file: join(PUBLIC, "index.html"), type: "text/html; charset=utf-8" },
  "/app.js": { file: join(PUBLIC, "app.js"), type: "text/javascript; charset=utf-8" },
  "/fmt.js": { file: join(PUBLIC, "fmt.js"), type: "text/javascript; charset=utf-8" },
  "/style.css": { file: join(PUBLIC, "style.css"), type: "text/css; charset=utf-8" },
  "/vendor/chart.umd.min.js": {
    file: join(ROOT, "node_modules/chart.js/dist/chart.umd.min.js"),
    type: "text/javascript; charset=utf-8",
  },
};

export const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { ...SECURITY_HEADERS, "content-type": "application/json" } });

/** Answer one named query (already validated). */
async function answer(cfg: Config, es: Client, live: Live, p: Extract<Parsed, { ok: true }>) {
  const { range, unit, period } = p.params;
  const now = Date.now();
  if (p.name === "health") return live.currentHealth();
  if (p.name === "price") {
    const [a] = await runSearches(es, [priceQuery(cfg, range, now)]);
    return { range, origins: originsOf(a!), ...shapePrice(a!) };
  }
  if (p.name === "miners") {
    const [a] = await runSearches(es, [minersQuery(cfg, period, unit)]);
    return { period, unit, origins: originsOf(a!), ...shapeMiners(a!) };
  }
  const [a] = await runSearches(es, [volumeQuery(cfg, range, now)]);
  return { range, unit, origins: originsOf(a!), hours: hourSeries(shapeHours(a!), p.name, unit) };
}

function stream(live: Live, req: Request, range: Extract<Parsed, { ok: true }>["params"]["range"]) {
  const enc = new TextEncoder();
  let stop = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      const send = (event: string, data: string) => {
        try {
          c.enqueue(enc.encode(`event: ${event}\ndata: ${data}\n\n`));
        } catch {
          stop();
        }
      };
      c.enqueue(enc.encode("retry: 2000\n\n"));
      const unsubscribe = live.subscribe({ range, send });
      const ping = setInterval(() => send("ping", "{}"), 15_000);
      stop = () => {
        clearInterval(ping);
        unsubscribe();
      };
      req.signal.addEventListener("abort", () => stop());
    },
    cancel: () => stop(),
  });
  return new Response(body, {
    headers: { ...SECURITY_HEADERS, "content-type": "text/event-stream", connection: "keep-alive" },
  });
}

/** The request handler: static files, the named queries, the SSE stream; nothing else. */
export function handler(cfg: Config, live: Live, es: Client) {
  return async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const file = Object.hasOwn(STATIC, url.pathname) ? STATIC[url.pathname] : undefined;
    const known = file !== undefined || url.pathname.startsWith("/api/");
    if (req.method !== "GET" && req.method !== "HEAD")
      return known ? json(405, { error: "read-only: GET only" }) : json(404, { error: "not found" });
    if (file) return new Response(Bun.file(file.file), { headers: { ...SECURITY_HEADERS, "content-type": file.type } });
    if (url.pathname === "/api/stream") {
      const p = parseRequest("price", url.searchParams);
      return p.ok ? stream(live, req, p.params.range) : json(p.status, { error: p.error });
    }
    const m = url.pathname.match(/^\/api\/([a-z]+)$/);
    if (!m) return json(404, { error: "not found" });
    const p = parseRequest(m[1]!, url.searchParams);
    if (!p.ok) return json(p.status, { error: p.error });
    try {
      return json(200, await answer(cfg, es, live, p));
    } catch (e) {
      return json(503, { error: `elasticsearch unavailable: ${(e as Error).message}` });
    }
  };
}

async function main() {
  const cfg = configOrExit();
  const admin = kafkaClient(cfg, "dashboard").admin({ retry: { retries: 1 } });
  await admin.connect().catch((e) => log.warn("kafka admin not connected yet", { error: e }));
  const es = esClient(cfg);
  const live = new Live(cfg, es, admin);
  const fetch = handler(cfg, live, es);
  const server = Bun.serve({
    hostname: cfg.dashboardHost,
    port: cfg.dashboardPort,
    idleTimeout: 0,
    development: false,
    fetch,
    error: () => json(500, { error: "internal error" }),
  });
  log.info("dashboard listening", { url: `http://${cfg.dashboardHost}:${server.port}/` });
  onShutdown("admin", () => admin.disconnect());
  onShutdown("server", () => {
    live.stop();
    server.stop(true);
  });
  await live.run();
}

if (import.meta.main) main().catch(fatal);
