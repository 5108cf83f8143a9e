// Proves: a record whose producer dated it long ago (a replayed capture, a bench) is not deleted by Kafka's
// retention before it is consumed: the topics take the broker's append time (message.timestamp.type
// LogAppendTime), so retention counts from when the record arrived. Control: the same record on a topic that keeps
// the producer's time (CreateTime) is deleted by the same brokers' retention check, so the check did run.
// Run: bun test --timeout 120000 tests/replayed-old-records-outlive-retention.test.ts

import { afterAll, expect, test } from "bun:test";
import type { Config } from "../scripts/lib/config.ts";
import { topicsOf } from "../scripts/lib/config.ts";
import { kafkaClient } from "../scripts/lib/kafka.ts";
import { topicSpecs } from "../scripts/setup/topics.ts";
import { dropNamespace, freshNamespace } from "./cluster.ts";

let cfg: Config | undefined;
afterAll(async () => {
  if (cfg) await dropNamespace(cfg);
});

test("an old-dated record outlives the retention check; with the producer's time it would be gone", async () => {
  cfg = await freshNamespace("retention");
  const kafka = kafkaClient(cfg, "test-retention");
  const admin = kafka.admin();
  await admin.connect();
  const ours = topicsOf(cfg).transactions;
  const control = `${cfg.namespace}-control-createtime`;
  const roll = { name: "segment.ms", value: "1000" };
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      {
        topic: control,
        numPartitions: 1,
        replicationFactor: cfg.kafka.replication,
        configEntries: [{ name: "message.timestamp.type", value: "CreateTime" }, roll],
      },
    ],
  });
  // AlterConfigs replaces a topic's whole configuration: the spec's entries, plus quick segment rolls
  const spec = topicSpecs(cfg).find((t) => t.topic === ours)!;
  const entries = [...Object.entries(spec.configs).map(([name, value]) => ({ name, value })), roll];
  await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: ours, configEntries: entries }] });
  const producer = kafka.producer();
  await producer.connect();
  const testStart = Date.now();
  const old = String(Date.UTC(2025, 0, 1));
  for (const topic of [ours, control])
    await producer.send({ topic, acks: -1, messages: [{ partition: 0, key: "old", value: "x", timestamp: old }] });
  await Bun.sleep(2000); // past segment.ms: the next record rolls the segment, leaving the old one closed
  for (const topic of [ours, control])
    await producer.send({ topic, acks: -1, messages: [{ partition: 0, key: "new", value: "y" }] });
  const low = async (topic: string) =>
    Number((await admin.fetchTopicOffsets(topic)).find((p) => p.partition === 0)!.low);
  let controlLow = 0;
  for (const until = Date.now() + 90_000; Date.now() < until && controlLow === 0; ) {
    await Bun.sleep(1000);
    controlLow = await low(control);
  }
  expect(controlLow).toBe(1); // the brokers' retention check ran and deleted the CreateTime record
  expect(await low(ours)).toBe(0); // ours kept it
  const consumer = kafka.consumer({ groupId: `${cfg.namespace}-test-retention` });
  await consumer.connect();
  await consumer.subscribe({ topic: ours, fromBeginning: true });
  const first = await new Promise<{ key: string; timestamp: number }>((resolve) => {
    void consumer.run({
      eachMessage: async ({ partition, message: m }) => {
        if (partition === 0 && m.offset === "0") resolve({ key: String(m.key), timestamp: Number(m.timestamp) });
      },
    });
  });
  await consumer.disconnect();
  expect(first.key).toBe("old");
  expect(first.timestamp).toBeGreaterThanOrEqual(testStart); // the broker's time, not the producer's
  await producer.disconnect();
  await admin.deleteTopics({ topics: [control] }).catch(() => {});
  await admin.disconnect();
}, 150_000);
