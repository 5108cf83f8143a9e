// make status keeps its dead-letter tally between runs (var/run/health/<ns>/dead-letters-status.json). When the
// dead-letter topic is deleted and created again (make clean, a re-created namespace) and the new topic already
// holds as many records as the old one had, the tally must start over: it identifies the topic by its Kafka topic
// id, not by its name and offsets. Old run: 5 dead letters of the transactions bolt; new topic: 8 of the prices bolt,
// on the same partition; the tally shows the 8 new ones and nothing of the old run.
// Run: bun test --timeout 420000 tests/dead-letter-tally-starts-over-on-a-re-created-topic.test.ts

import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadTally, saveTally } from "../scripts/health/dead-letters.ts";
import { pipelineHealth } from "../scripts/health/pipeline-health.ts";
import { type Config, loadConfig, topicsOf } from "../scripts/lib/config.ts";
import { kafkaClient } from "../scripts/lib/kafka.ts";
import { ensureTopics } from "../scripts/setup/topics.ts";
import { envOf } from "./cluster.ts";

const dir = mkdtempSync(join(tmpdir(), "btc-dlq-tally-"));
const cfg: Config = loadConfig(envOf(`t-dlq-recreated-${Date.now().toString(36)}`));
const topic = topicsOf(cfg).deadLetters;
afterAll(async () => {
  const admin = kafkaClient(cfg, "test-drop").admin();
  await admin.connect();
  await admin.deleteTopics({ topics: Object.values(topicsOf(cfg)) }).catch(() => {});
  await admin.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

async function letters(n: number, bolt: string, reason: string) {
  const producer = kafkaClient(cfg, "test-dlq").producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const at = String(Date.now());
  const headers = { "dlq-bolt": bolt, "dlq-reason": reason, "dlq-at": at };
  const messages = Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: "x", partition: 0, headers }));
  await producer.send({ topic, messages });
  await producer.disconnect();
}

/** One make status run: load the tally, bring it up to date, save it. */
async function statusRun() {
  const file = join(dir, "dead-letters-status.json");
  const deadLetters = { reader: "status", tally: loadTally(file, topic) };
  const h = await pipelineHealth(cfg, { timeoutMs: 5000, deadLetters });
  saveTally(file, deadLetters.tally);
  return h;
}

test("a re-created dead-letter topic restarts the tally, even when it already holds as many records", async () => {
  await ensureTopics(cfg);
  await letters(5, "transactions", "old run: not JSON");
  const old = await statusRun();
  expect(old.deadLetterBolts?.bolts.map((b) => [b.bolt, b.count])).toEqual([["transactions", 5]]);

  const admin = kafkaClient(cfg, "test-recreate").admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] });
  for (let i = 0; (await admin.listTopics()).includes(topic); i++) {
    if (i > 60) throw new Error(`${topic} still listed 30 s after its deletion`);
    await Bun.sleep(500);
  }
  await admin.disconnect();
  for (let i = 0; ; i++) {
    const ok = await ensureTopics(cfg).then(
      () => true,
      (e) => (i < 30 ? false : Promise.reject(e)),
    );
    if (ok) break;
    await Bun.sleep(1000);
  }
  await letters(8, "prices", "new run: price is zero");

  const fresh = await statusRun();
  expect(fresh.deadLetters).toBe(8);
  expect(fresh.deadLetterBolts?.bolts.map((b) => [b.bolt, b.count, b.newestReason])).toEqual([
    ["prices", 8, "new run: price is zero"],
  ]);
  expect(fresh.deadLetterBolts?.unread).toBe(0);
  // and the next run reads nothing again
  const next = await statusRun();
  expect(next.deadLetterBolts?.bolts.map((b) => [b.bolt, b.count])).toEqual([["prices", 8]]);
}, 180_000);
