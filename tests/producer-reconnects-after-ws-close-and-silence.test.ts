// Proves: the WebSocket producer survives (1) the server closing the connection and (2) the server going silent
// without closing (no message, no pong): each time it reconnects, subscribes again (unconfirmed_sub + blocks_sub),
// and the messages sent after the outage arrive in Kafka; it logs each loss with its reason; SIGTERM exits 0.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { ServerWebSocket } from "bun";
import { type Config, topicsOf } from "../scripts/lib/config.ts";
import { dropNamespace, envOf, freshNamespace, ROOT } from "./cluster.ts";
import { readTopic, startProducer, waitFor } from "./producers-kit.ts";

const hashOf = (n: number) => n.toString(16).padStart(64, "0");
const utx = (n: number) => `{"op":"utx","x":{"hash":"${hashOf(n)}","out":[{"value":${n}}]}}`;
const subs: string[][] = [];
let connections = 0;

const server = Bun.serve<{ n: number }, never>({
  port: 0,
  fetch(req, srv) {
    return srv.upgrade(req, { data: { n: ++connections } }) ? undefined : new Response("no", { status: 400 });
  },
  websocket: {
    open(ws) {
      subs[ws.data.n - 1] = [];
    },
    message(ws: ServerWebSocket<{ n: number }>, msg) {
      const n = ws.data.n;
      const text = String(msg);
      if (text === '{"op":"ping"}') {
        if (n !== 2) ws.send('{"op":"pong"}');
        return;
      }
      subs[n - 1]!.push(text);
      if (text !== '{"op":"blocks_sub"}') return;
      ws.send(utx(n));
      if (n === 1) setTimeout(() => ws.close(1011, "server restart"), 300);
      // n === 2: silent from now on, the socket stays open
    },
  },
});

let cfg: Config;
beforeAll(async () => {
  cfg = await freshNamespace("ws-reconnect");
});
afterAll(async () => {
  server.stop(true);
  await dropNamespace(cfg);
});

test("close, then silence: reconnected, resubscribed, messages after each outage in Kafka", async () => {
  const p = startProducer("blockchain", cfg, {
    SOURCE_MODE: "live",
    BLOCKCHAIN_WS_URL: `ws://127.0.0.1:${server.port}/inv`,
    WS_PING_MS: "300",
    WS_SILENCE_MS: "2000",
    WS_BACKOFF_MAX_MS: "500",
  });
  await waitFor("a third connection", () => connections >= 3 && (subs[2]?.length ?? 0) >= 2, 45_000);
  const recs = await readTopic(cfg, topicsOf(cfg).transactions, 3);
  // what make status reads: the producer's report of its source (written every 5 s)
  let out = "";
  for (const until = Date.now() + 15_000; Date.now() < until && !/connection lost [2-9]/.test(out); ) {
    await Bun.sleep(1000);
    out = Bun.spawnSync(["bun", "scripts/setup/status.ts"], { cwd: ROOT, env: envOf(cfg.namespace) }).stdout.toString();
  }
  expect(out).toContain("blockchain (live): last messages: blockchain.info/ws");
  expect(out).toMatch(/blockchain: connection lost \d+ times, last \d+ s ago \(/);
  const started = Date.now();
  expect(await p.stop()).toBe(0);
  expect(Date.now() - started).toBeLessThan(10_000);

  for (const s of subs.slice(0, 3)) expect(s).toEqual(['{"op":"unconfirmed_sub"}', '{"op":"blocks_sub"}']);
  expect(
    recs
      .map((r) => r.key)
      .sort()
      .slice(0, 3),
  ).toEqual([1, 2, 3].map(hashOf));
  expect(
    recs
      .map((r) => r.value.toString())
      .sort()
      .slice(0, 3),
  ).toEqual([1, 2, 3].map(utx));
  const lost = p.lines.filter((l) => l.includes("websocket lost")).map((l) => JSON.parse(l).reason as string);
  expect(lost[0]).toMatch(/closed \(1011 server restart\)/);
  expect(lost[1]).toMatch(/silent for \d+ ms/);
}, 90_000);
