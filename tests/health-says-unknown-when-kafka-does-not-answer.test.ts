// The pipeline's health never turns what it could not read into 0 or into nothing. A private broker
// (tests/private-broker.ts: never a shared one) holds a namespace's topics; the transactions group has a lag of at
// least 20 (records in flight). The broker is frozen (SIGSTOP): every bolt still has its line, its lag unknown with the
// reason, through a new connection (make status, make replay) and a connection opened before the freeze (the
// dashboard); nothing says caught up; what waits for a price is unknown when Elasticsearch does not answer. Thawed,
// the same lag is read again.
// Run: bun test --timeout 420000 tests/health-says-unknown-when-kafka-does-not-answer.test.ts

import { afterAll, expect, test } from "bun:test";
import { createServer, type Server } from "node:net";
import { publicHealth } from "../scripts/dashboard/shape.ts";
import { type Health, lagSummary, pipelineHealth } from "../scripts/health/pipeline-health.ts";
import { boltLines, waitingForPrice, waitingLines } from "../scripts/health/pipeline-report.ts";
import { type Config, loadConfig, topicsOf } from "../scripts/lib/config.ts";
import { esClient } from "../scripts/lib/es.ts";
import { kafkaClient } from "../scripts/lib/kafka.ts";
import { ensureTopics } from "../scripts/setup/topics.ts";
import { envOf, ROOT } from "./cluster.ts";
import { freePort, PrivateBroker } from "./private-broker.ts";

const broker = new PrivateBroker();
let silent: Server | undefined; // accepts connections, never answers: an Elasticsearch that hangs
afterAll(async () => {
  silent?.close();
  await broker.stop();
});

test("a frozen broker: every bolt's lag is unknown with its reason, never 0, never missing", async () => {
  const t0 = Date.now();
  const at = (what: string) => console.log(`${what}: ${Date.now() - t0} ms`);
  await broker.start();
  at("private broker up");
  const esPort = await freePort(19000 + Math.floor(Math.random() * 400));
  silent = createServer(() => {}).listen(esPort, "127.0.0.1");
  const env = envOf(`t-unknown-${Date.now().toString(36)}`, {
    BTC_PROFILE: "small",
    KAFKA_BROKERS: broker.address,
    ES_NODES: `http://127.0.0.1:${esPort}`,
  });
  const cfg = loadConfig(env);
  await ensureTopics(cfg);
  const producer = kafkaClient(cfg, "test-unknown").producer();
  await producer.connect();
  const messages = Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `{"n":${i}}` }));
  await producer.send({ topic: topicsOf(cfg).transactions, messages });
  await producer.disconnect();

  const before = await everyLagRead(cfg);
  const inFlight = before.bolts.find((b) => b.bolt === "transactions")?.lag ?? 0;
  expect(inFlight).toBeGreaterThanOrEqual(20); // a retried send may add copies; none consumed
  expect(before.bolts.map((b) => [b.bolt, b.lag])).toEqual([
    ["prices", 0],
    ["transactions", inFlight],
    ["blocks", 0],
    ["volume", 0],
    ["miners", 0],
  ]);

  at(`lag ${inFlight} read`);
  expect(await lagCommand(env)).toEqual({ out: String(inFlight), code: 0 });

  const dashboardAdmin = kafkaClient(cfg, "test-dashboard").admin({ retry: { retries: 1 } });
  await dashboardAdmin.connect();
  broker.freeze();
  at("broker frozen");
  try {
    for (const h of [
      await pipelineHealth(cfg, { timeoutMs: 1500 }),
      await pipelineHealth(cfg, { timeoutMs: 1500, admin: dashboardAdmin }),
    ]) {
      expect(h.bolts.map((b) => b.bolt)).toEqual(["prices", "transactions", "blocks", "volume", "miners"]);
      for (const b of h.bolts) expect(b.lag).toBeNull();
      expect(h.kafka).toMatchObject({ ok: false, brokers: null });
      saysUnknown(h);
    }
    const replay = await lagCommand(env); // make replay's check: not caught up, and why
    expect(replay.code).toBe(1);
    expect(replay.out).toMatch(/^unknown \(prices: no answer from Kafka within 5000 ms/);
  } finally {
    broker.thaw();
    at("broker thawed");
    await dashboardAdmin.disconnect().catch(() => {});
  }
  // Elasticsearch silent too: what waits for a price is unknown, not 0
  const waiting = waitingLines(await waitingForPrice(cfg, esClient(cfg), 1500), before);
  expect(waiting.ok).toBe(false);
  expect(waiting.lines[0]).toMatch(/^ {2}transactions waiting for a price: unknown \(.*timed? ?out/i);
  const after = await everyLagRead(cfg);
  expect(after.bolts.find((b) => b.bolt === "transactions")?.lag).toBe(inFlight);
});

/** A probe once every lag is read (a new broker creates its offsets topic on the first group question; a thawed one
 * catches up first). */
async function everyLagRead(cfg: Config): Promise<Health> {
  for (let i = 0; ; i++) {
    const h = await pipelineHealth(cfg, { timeoutMs: 5000 });
    if (h.bolts.every((b) => b.lag !== null) || i >= 60) return h;
    console.log(`not read yet: ${lagSummary(h)}`);
    await Bun.sleep(1000);
  }
}

/** make status, the dashboard's page: each bolt's line says unknown with the reason; nothing reads as 0. */
function saysUnknown(h: Health) {
  const status = boltLines(h);
  expect(status.ok).toBe(false);
  console.log(status.lines.join("\n"));
  expect(status.lines.filter((l) => / lag +unknown /.test(l))).toHaveLength(5);
  expect(status.lines.filter((l) => l.startsWith("    UNKNOWN: no answer from Kafka within 1500 ms"))).toHaveLength(5);
  expect(lagSummary(h)).toMatch(/^unknown \(prices: /);
  const page = publicHealth(h);
  for (const b of page.bolts) expect(b).toMatchObject({ lag: null, unknown: expect.stringMatching(/^no answer/) });
  expect(page.deadLetters).toBeNull();
}

/** `bun scripts/health/pipeline-health.ts --lag`, as make replay runs it. */
async function lagCommand(env: Record<string, string>) {
  const p = Bun.spawn(["bun", "scripts/health/pipeline-health.ts", "--lag"], { cwd: ROOT, env, stdout: "pipe" });
  const out = (await new Response(p.stdout).text()).trim().split("\n").at(-1) ?? "";
  return { out, code: await p.exited };
}
