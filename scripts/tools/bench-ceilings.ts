// The ceilings of `make bench`: what Kafka and Elasticsearch do alone on this machine, measured in the same run
// as the pipeline, so the pipeline's speed is a ratio, not an absolute number that changes with the machine.

import type { Message } from "kafkajs";
import { type Config, indicesOf, topicsOf } from "../lib/config.ts";
import { bulkWrite, esClient } from "../lib/es.ts";
import { connectProducer, kafkaClient, sendBounded } from "../lib/kafka.ts";

/** Publish with the idempotent producer (acks=all) in batches of 1000; returns the time taken (ms). */
export async function produce(cfg: Config, messages: Message[]): Promise<number> {
  const producer = await connectProducer(kafkaClient(cfg, "bench"));
  const t0 = performance.now();
  for (let i = 0; i < messages.length; i += 1000)
    await sendBounded(producer, topicsOf(cfg).transactions, messages.slice(i, i + 1000), 60_000);
  const ms = performance.now() - t0;
  await producer.disconnect();
  return ms;
}

/** Read `n` records back with a bare consumer; returns the time from the first batch (ms). */
export async function consumeAll(cfg: Config, n: number): Promise<number> {
  const consumer = kafkaClient(cfg, "bench").consumer({ groupId: `${cfg.namespace}-bench-read` });
  await consumer.connect();
  await consumer.subscribe({ topic: topicsOf(cfg).transactions, fromBeginning: true });
  let seen = 0;
  let t0 = 0;
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        if (t0 === 0) t0 = performance.now();
        seen += batch.messages.length;
        if (seen >= n) resolve();
      },
    });
  });
  await done;
  const ms = performance.now() - t0;
  await consumer.disconnect();
  return ms;
}

/** Bulk-index `n` raw-transaction documents in batches of 2000; returns the time taken (ms). */
export async function esCeiling(cfg: Config, n: number): Promise<number> {
  const es = esClient(cfg);
  const index = indicesOf(cfg).rawTransactions;
  const doc = (i: number) => ({
    hash: `h${i}`,
    time: 1.7e12 + i,
    hour: 1.7e12,
    value_sat: i,
    value_btc: i / 1e8,
    outputs: 2,
    priced: false,
  });
  const t0 = performance.now();
  for (let i = 0; i < n; i += 2000) {
    const ops = Array.from({ length: Math.min(2000, n - i) }, (_, k) => ({
      op: "create" as const,
      index,
      id: `h${i + k}`,
      doc: doc(i + k),
      ref: 0,
    }));
    const refused = await bulkWrite(es, ops);
    if (refused.length > 0) throw new Error(`bench documents refused: ${refused[0]!.reason}`);
  }
  await es.indices.refresh({ index });
  return performance.now() - t0;
}
