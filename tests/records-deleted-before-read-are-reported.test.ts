// Proves: when Kafka deleted records before a bolt read them (retention, or an operator's delete-records), the
// pipeline's health counts them as lost for that bolt and `make status` says so, instead of showing a lag that
// never drains. The deletion is made with Kafka's own DeleteRecords (what retention does to a segment).
// Run: bun test --timeout 120000 tests/records-deleted-before-read-are-reported.test.ts

import { afterAll, expect, test } from "bun:test";
import { pipelineHealth } from "../scripts/health/pipeline-health.ts";
import { type Config, topicsOf } from "../scripts/lib/config.ts";
import { kafkaClient } from "../scripts/lib/kafka.ts";
import { dropNamespace, envOf, freshNamespace, ROOT } from "./cluster.ts";

let cfg: Config | undefined;
afterAll(async () => {
  if (cfg) await dropNamespace(cfg);
});

test("records deleted before a bolt read them are reported as lost, by bolt", async () => {
  cfg = await freshNamespace("deleted");
  const kafka = kafkaClient(cfg, "test-deleted");
  const topic = topicsOf(cfg).transactions;
  const producer = kafka.producer();
  await producer.connect();
  const messages = Array.from({ length: 10 }, (_, i) => ({ partition: 0, key: `k${i}`, value: "{}" }));
  await producer.send({ topic, acks: -1, messages });
  await producer.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  await admin.fetchTopicMetadata({ topics: [topic] });
  await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: "6" }] });
  await admin.disconnect();

  let h = await pipelineHealth(cfg, { timeoutMs: 10_000 });
  // every topic answers before the figures are judged (a topic just made may be "unknown" for a moment: said, not 0)
  for (const t0 = Date.now(); h.bolts.some((b) => b.lost === null) && Date.now() - t0 < 30_000; await Bun.sleep(500))
    h = await pipelineHealth(cfg, { timeoutMs: 10_000 });
  const tx = h.bolts.find((b) => b.bolt === "transactions")!;
  expect(tx.lost).toBe(6);
  expect(tx.lag).toBe(10);
  expect(h.bolts.filter((b) => b.bolt !== "transactions").every((b) => b.lost === 0)).toBe(true);

  const status = Bun.spawnSync(["bun", "scripts/setup/status.ts"], { cwd: ROOT, env: envOf(cfg.namespace) });
  const out = status.stdout.toString();
  expect(out).toContain("LOST: 6 records deleted by Kafka's retention before this bolt read them");
  expect(out).toContain("STUCK: 10 records waiting");
}, 60_000);
