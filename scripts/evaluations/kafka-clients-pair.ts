// The two Kafka clients under comparison behind one small interface, with the same settings, for
// bench-kafka-clients.ts and kafka-client-faults.ts: kafkajs 2.2.4 (patched, the project's client, through
// evaluations/kafkajs-producer.ts) and @platformatic/kafka (the producers' client, lib/reliable-producer.ts's settings). Producers: idempotent, acks=all, one request in flight, the given
// compression, one send() = one batch of records. Consumers: a consumer group from the beginning, fetch waits of
// 250 ms and up to 4 MB per partition (as the bolts in scripts/lib/consume.ts).
// No topic, index or environment of its own: the caller gives the Config (its KAFKA_BROKERS) and the topics.

import { Consumer as PlatConsumer, Producer as PlatProducer } from "@platformatic/kafka";
import { CompressionTypes, type Message } from "kafkajs";
import type { Config } from "../lib/config.ts";
import { kafkaClient } from "../lib/kafka.ts";
import { producerOptions } from "../lib/reliable-producer.ts";
import { connectProducer } from "./kafkajs-producer.ts";

export const CLIENTS = ["kafkajs", "platformatic"] as const;
export type ClientName = (typeof CLIENTS)[number];
export type Compression = "none" | "gzip";

/** A record as both clients take it: Buffers prepared before any clock starts. */
export type Rec = { key: Buffer; value: Buffer; headers: Record<string, Buffer> };

export type SendingProducer = { send(topic: string, recs: Rec[]): Promise<void>; close(): Promise<void> };

/** The bench's records (kafkajs Messages) as Buffers. */
export function toRecs(messages: Message[]): Rec[] {
  return messages.map((m) => ({
    key: Buffer.from(String(m.key)),
    value: Buffer.isBuffer(m.value) ? m.value : Buffer.from(String(m.value)),
    headers: Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, Buffer.from(String(v))])),
  }));
}

/** A connected idempotent producer of `client`. */
export async function openProducer(
  client: ClientName,
  cfg: Config,
  compression: Compression,
  clientId = "bench-clients",
): Promise<SendingProducer> {
  if (client === "kafkajs") {
    const p = await connectProducer(kafkaClient(cfg, clientId));
    const codec = compression === "gzip" ? CompressionTypes.GZIP : CompressionTypes.None;
    return {
      send: async (topic, recs) => {
        await p.send({ topic, messages: recs, acks: -1, compression: codec });
      },
      close: () => p.disconnect(),
    };
  }
  const p = new PlatProducer<Buffer, Buffer, string, Buffer>(producerOptions(cfg, clientId, compression));
  return {
    send: async (topic, recs) => {
      await p.send({ messages: recs.map((r) => ({ topic, ...r })) });
    },
    close: () => p.close(true),
  };
}

export type Consumed = { count: number; join_ms: number; read_ms: number };

/** Read `topic` from the beginning in consumer group `group` until `n` records; times from start and first record. */
export async function consumeN(client: ClientName, cfg: Config, topic: string, group: string, n: number) {
  const t0 = performance.now();
  let first = 0;
  let count = 0;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const seen = (k: number) => {
    if (first === 0) first = performance.now();
    count += k;
    if (count >= n) finish();
  };
  let close: () => Promise<unknown>;
  if (client === "kafkajs") {
    const c = kafkaClient(cfg, "bench-clients").consumer({
      groupId: group,
      maxWaitTimeInMs: 250,
      maxBytesPerPartition: 4 * 1_048_576,
    });
    await c.connect();
    await c.subscribe({ topic, fromBeginning: true });
    await c.run({
      eachBatch: async ({ batch }) => {
        for (const _ of batch.messages) seen(1); // per record, as the other client's stream below
      },
    });
    close = () => c.disconnect();
  } else {
    const c = new PlatConsumer({
      clientId: "bench-clients",
      bootstrapBrokers: cfg.kafka.brokers,
      groupId: group,
      maxWaitTime: 250,
      maxBytesPerPartition: 4 * 1_048_576,
      sessionTimeout: 30_000,
      heartbeatInterval: 3000,
    });
    const stream = await c.consume({ topics: [topic], mode: "committed", fallbackMode: "earliest", autocommit: true });
    stream.on("data", () => seen(1));
    close = async () => {
      await stream.close();
      await c.close(true);
    };
  }
  await done;
  const end = performance.now();
  await close();
  return { count, join_ms: Math.round(first - t0), read_ms: end - first } satisfies Consumed;
}
