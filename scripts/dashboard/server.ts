// The built-in live dashboard (supervisord program es-kibana:dashboard): serves the page and a narrow read-only API
// of named queries (GET /api/price|volume|max|miners|hour|blocks|health with checked parameters; anything else is
// 404, a bad parameter 400, a method other than GET/HEAD 405, a URL over 2 KB 414), and pushes updates over SSE
// (GET /api/stream?range=…|from=…&to=…&day=…&month=…: sse.ts bounds the streams, per address, the distinct views and
// each stream's unsent bytes).
// Every request first passes the Host check (421) and, when credentials are set, authentication (401; 429 past the
// failed logins allowed, logins.ts). Off loopback it serves TLS, or refuses to start (access.ts).
// It never forwards a request to Elasticsearch and never sends its error text to the browser (logged instead).
// Indices read: btc-value, btc-volume, btc-miner, btc-raw-transactions, btc-raw-blocks. Kafka: offsets (health).
// Env: DASHBOARD_PORT (8080), DASHBOARD_HOST (127.0.0.1), the exposure settings of access.ts, ES_NODES
// (+ ES_USERNAME/ES_PASSWORD, ES_API_KEY, ES_CA_CERT), KAFKA_BROKERS, BTC_NAMESPACE.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Client } from "@elastic/elasticsearch";
import { type Config, configOrExit, PROJECT_ROOT } from "../lib/config.ts";
import { kafkaClient } from "../lib/kafka.ts";
import { fatal, log } from "../lib/log.ts";
import { onShutdown } from "../lib/shutdown.ts";
import { type Access, AccessError, accessOf, hostAllowed, tlsFiles } from "./access.ts";
import { answer } from "./api.ts";
import { Clusters } from "./clusters.ts";
import { bannerOf } from "./failover.ts";
import { Live, type StreamView } from "./live.ts";
import { Logins } from "./logins.ts";
import { parseRequest } from "./params.ts";
import { admitStream, liveBody } from "./sse.ts";

const PUBLIC = join(import.meta.dir, "public");
const JS = "text/javascript; charset=utf-8";
const page = (name: string, type: string) => ({ body: readFileSync(join(PUBLIC, name), "utf8"), type });
const ts = (name: string) =>
  new Bun.Transpiler({ loader: "ts" }).transformSync(readFileSync(join(PUBLIC, name), "utf8"));
/** The only files served, read once: the page, its modules (view.ts stripped of its types), the chart library. */
export const STATIC: Record<string, { body: string; type: string }> = {
  "/": page("index.html", "text/html; charset=utf-8"),
  "/style.css": page("style.css", "text/css; charset=utf-8"),
  ...Object.fromEntries(["app", "render", "pickers", "drill", "fmt"].map((m) => [`/${m}.js`, page(`${m}.js`, JS)])),
  "/view.js": { body: ts("view.ts"), type: JS },
  "/vendor/chart.umd.min.js": {
    body: readFileSync(join(PROJECT_ROOT, "node_modules/chart.js/dist/chart.umd.min.js"), "utf8"),
    type: JS,
  },
};

export const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};
export const MAX_URL = 2048;
const SSE_TIMEOUT_S = 60; // an SSE stream writes a ping every 15 s

const json = (status: number, body: unknown, extra: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { ...SECURITY_HEADERS, "content-type": "application/json", ...extra },
  });

/** A live stream's response (sse.ts: bounded unsent bytes, subscribed until the client leaves or stops reading). */
const stream = (live: Live, req: Request, view: StreamView, client: string, cfg: Config) =>
  new Response(liveBody(live, req, view, client, cfg.dashboardStreams.maxUnsentBytes), {
    headers: { ...SECURITY_HEADERS, "content-type": "text/event-stream", connection: "keep-alive" },
  });

type Server = { timeout(req: Request, seconds: number): void; requestIP(req: Request): { address: string } | null };

/** The request handler: checks, static files, the named queries, the SSE stream; nothing else. */
export function handler(cfg: Config, live: Live, es: Client, access: Access) {
  const logins = new Logins(access, (address) =>
    log.warn("too many failed logins: address refused for a minute", { address, limit: access.maxFailedLogins }),
  );
  return async (req: Request, server?: Server): Promise<Response> => {
    if (req.url.length > MAX_URL) return json(414, { error: "URL too long" });
    if (!hostAllowed(access, req.headers.get("host"))) return json(421, { error: "unknown host" });
    const login = logins.check(req.headers.get("authorization"), server?.requestIP(req)?.address ?? "");
    if (login.status === 429)
      return json(429, { error: "too many failed logins: retry later" }, { "retry-after": `${login.retryAfterS}` });
    if (login.status === 401)
      return json(401, { error: "credentials required" }, { "www-authenticate": 'Basic realm="btc-realtime"' });
    const url = new URL(req.url);
    const file = Object.hasOwn(STATIC, url.pathname) ? STATIC[url.pathname] : undefined;
    const known = file !== undefined || url.pathname.startsWith("/api/");
    if (req.method !== "GET" && req.method !== "HEAD")
      return known
        ? json(405, { error: "read-only: GET only" }, { allow: "GET, HEAD" })
        : json(404, { error: "not found" });
    if (file) return new Response(file.body, { headers: { ...SECURITY_HEADERS, "content-type": file.type } });
    const m = url.pathname.match(/^\/api\/([a-z]+)$/);
    if (!m) return json(404, { error: "not found" });
    const p = parseRequest(m[1]!, url.searchParams);
    if (!p.ok) return json(p.status, { error: p.error });
    if (p.name === "stream") {
      const client = server?.requestIP(req)?.address ?? "";
      const limits = { ...cfg.dashboardStreams, maxStreams: access.maxStreams };
      const refused = admitStream(live, limits, client, p.params);
      if (refused) return json(refused.status, { error: refused.error }, { "retry-after": "10" });
      server?.timeout(req, SSE_TIMEOUT_S);
      return stream(live, req, p.params, client, cfg);
    }
    try {
      return json(200, await answer(cfg, es, live, p));
    } catch (e) {
      log.warn("query failed", { query: p.name, error: e });
      return json(503, { error: "data temporarily unavailable" });
    }
  };
}

async function main() {
  const cfg = configOrExit();
  let access: Access;
  let tls: ReturnType<typeof tlsFiles> | null;
  try {
    access = accessOf(process.env, cfg.dashboardHost, cfg.secure ? cfg.secrets : undefined);
    tls = access.tls && tlsFiles(access.tls);
  } catch (e) {
    if (!(e instanceof AccessError)) throw e;
    log.error(`configuration: ${e.message}`);
    process.exit(1);
  }
  const admin = kafkaClient(cfg, "dashboard").admin({ retry: { retries: 1 } });
  await admin.connect().catch((e) => log.warn("kafka admin not connected yet", { error: e }));
  // the primary cluster, or the standby while the primary is lost (clusters.ts, failover.ts)
  const clusters = new Clusters(cfg, admin);
  const es = clusters.client;
  const live = new Live(cfg, es, admin);
  clusters.onChange((i) => live.announce("cluster", JSON.stringify({ ...i, banner: bannerOf(i) })));
  void clusters.run();
  const fetch = handler(cfg, live, es, access);
  const server = Bun.serve({
    hostname: cfg.dashboardHost,
    port: cfg.dashboardPort,
    idleTimeout: access.idleTimeoutS,
    development: false,
    tls: tls ?? undefined,
    fetch,
    error: () => json(500, { error: "internal error" }),
  });
  const auth = access.token || access.user ? "credentials required" : "no credentials (loopback)";
  log.info("dashboard listening", {
    url: `${tls ? "https" : "http"}://${cfg.dashboardHost}:${server.port}/`,
    auth,
    hosts: access.allowedHosts,
  });
  onShutdown("admin", () => admin.disconnect());
  onShutdown("server", () => {
    clusters.stop();
    live.stop();
    server.stop(true);
  });
  await live.run();
}

if (import.meta.main) main().catch(fatal);
