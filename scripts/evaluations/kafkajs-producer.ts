// The kafkajs way of sending the project used until the producers moved to @platformatic/kafka
// (lib/reliable-producer.ts), kept so the clients' comparison (bench-kafka-clients.ts, kafka-client-faults.ts,
// kafka-version-check.ts) can be run again: an idempotent kafkajs producer (acks=all, one request in flight, gzip),
// sends bounded, and a producer replaced after any failed send (sending on with the same kafkajs producer id was seen
// to lose acknowledged records, tests/producer-survives-broker-loss.test.ts). No topic, index or environment of its own.

import { CompressionTypes, type Kafka, type Message, type Producer } from "kafkajs";
import type { Config } from "../lib/config.ts";
import { kafkaClient } from "../lib/kafka.ts";
import { within } from "../lib/reliable-producer.ts";

/** A connected idempotent kafkajs producer (acks=all, one request in flight). */
export async function connectProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    retry: { initialRetryTime: 200, maxRetryTime: 5000, retries: 8 },
  });
  await producer.connect();
  return producer;
}

/** One gzip batch to `topic`, acks=all, within `timeoutMs` (else a SendTimeout). */
export function sendBounded(producer: Producer, topic: string, messages: Message[], timeoutMs: number) {
  return within(
    producer.send({ topic, messages, acks: -1, compression: CompressionTypes.GZIP }),
    timeoutMs,
    `send to ${topic}`,
  );
}

/** ReliableProducer's policy on kafkajs: a failed send retires the producer, the next send gets a new one. */
export class KafkajsReliableProducer {
  private producer: Promise<Producer> | undefined;
  private readonly kafka: Kafka;
  constructor(
    cfg: Config,
    clientId: string,
    private readonly timeoutMs: number,
  ) {
    this.kafka = kafkaClient(cfg, clientId);
  }

  async send(topic: string, messages: Message[]): Promise<void> {
    this.producer ??= within(connectProducer(this.kafka), this.timeoutMs, "connect to Kafka");
    const current = this.producer;
    try {
      await sendBounded(await current, topic, messages, this.timeoutMs);
    } catch (e) {
      if (this.producer === current) {
        this.producer = undefined;
        void current.then((p) => p.disconnect()).catch(() => {});
      }
      throw e;
    }
  }

  async disconnect(): Promise<void> {
    const p = this.producer;
    this.producer = undefined;
    if (p) await Promise.race([p.then((x) => x.disconnect()).catch(() => {}), Bun.sleep(1500)]);
  }
}
