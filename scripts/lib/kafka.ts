// Kafka client, idempotent producer with bounded sends, and the dead-letter writer.
// kafkajs (pure JS, loads under Bun): its idempotent producer with acks=all and one request in flight is tested
// against real brokers (tests/producer-survives-broker-loss.test.ts), with a broker killed and frozen mid-send.

import { readFileSync } from "node:fs";
import {
  CompressionTypes,
  type IHeaders,
  Kafka,
  logLevel as KafkaLogLevel,
  type KafkaMessage,
  type Message,
  type Producer,
  type SASLOptions,
} from "kafkajs";
import { type Config, ConfigError, topicsOf } from "./config.ts";
import { log } from "./log.ts";

/** A client of the cluster; with BTC_SECURE=1 (or KAFKA_USERNAME, KAFKA_CA_CERT), over TLS and SASL as this
 * program's own user (KAFKA_USERNAME, else its identity; KAFKA_PASSWORD, else BTC_SECRETS/kafka/<user>). */
export function kafkaClient(cfg: Config, clientId = cfg.kafka.clientId): Kafka {
  const { sasl, caCert } = cfg.kafka;
  if (cfg.secure && !sasl?.password)
    throw new ConfigError(
      `BTC_SECURE=1 but no Kafka password for ${sasl?.username ?? "this program (set BTC_IDENTITY)"}: ` +
        `set KAFKA_PASSWORD or create ${cfg.secrets}/kafka/<user> (BTC_SECURE=1 make setup)`,
    );
  return new Kafka({
    clientId,
    brokers: cfg.kafka.brokers,
    ssl: caCert || cfg.secure ? { ca: caCert ? [readFileSync(caCert, "utf8")] : undefined } : undefined,
    // a new object per client: kafkajs keeps its authenticator, bound to the password, on the object it is given
    sasl: sasl?.password
      ? ({ mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } as SASLOptions)
      : undefined,
    connectionTimeout: 3000,
    requestTimeout: 15_000,
    retry: { initialRetryTime: 200, maxRetryTime: 5000, retries: 8 },
    logLevel: KafkaLogLevel.NOTHING,
    logCreator: () => (entry) => {
      if (entry.level <= KafkaLogLevel.WARN) log.debug(`kafkajs: ${entry.log.message}`, { ns: entry.namespace });
    },
  });
}

/** An idempotent producer (acks=all, one request in flight, gzip batches). */
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

export class SendTimeout extends Error {}

/**
 * Send to one topic with acks=all; resolves once every replica in sync has it, rejects on error or after
 * `timeoutMs` (a frozen broker must not hang the caller forever).
 */
export async function sendBounded(producer: Producer, topic: string, messages: Message[], timeoutMs: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SendTimeout(`send to ${topic} took more than ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([
      producer.send({ topic, messages, acks: -1, compression: CompressionTypes.GZIP }),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * An idempotent producer that is replaced after any failed send. kafkajs may go on retrying a send that was given
 * up on (timed out); sending on with the same producer id was seen to lose acknowledged records
 * (tests/producer-survives-broker-loss.test.ts), so a failure retires the producer and the next send gets a new
 * producer id. A send re-tried after a failure may duplicate records: consumers are idempotent.
 */
export class ReliableProducer {
  /** the producer being connected or in use, shared by concurrent senders (one producer id at a time) */
  private producer: Promise<Producer> | undefined;
  constructor(
    private readonly kafka: Kafka,
    private readonly timeoutMs: number,
  ) {}

  private connect(): Promise<Producer> {
    const connecting = connectProducer(this.kafka);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SendTimeout("connect to Kafka timed out")), this.timeoutMs);
    });
    const ready = Promise.race([connecting, timeout]).finally(() => clearTimeout(timer));
    ready.catch(() => {
      void connecting.then((p) => p.disconnect()).catch(() => {});
    });
    return ready;
  }

  async send(topic: string, messages: Message[]) {
    this.producer ??= this.connect();
    const current = this.producer;
    let producer: Producer;
    try {
      producer = await current;
    } catch (e) {
      if (this.producer === current) this.producer = undefined;
      throw e;
    }
    try {
      return await sendBounded(producer, topic, messages, this.timeoutMs);
    } catch (e) {
      // retire this producer (once, whoever fails first): the next send gets a new producer id
      if (this.producer === current) {
        this.producer = undefined;
        void producer.disconnect().catch(() => {});
      }
      throw e;
    }
  }

  async disconnect(): Promise<void> {
    const p = this.producer;
    this.producer = undefined;
    if (p) await Promise.race([p.then((x) => x.disconnect()).catch(() => {}), new Promise((r) => setTimeout(r, 1500))]);
  }
}

/** A record that could not be processed, with where it came from and why. */
export type Rejected = {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
  reason: string;
};

/** The dead-letter record: the original bytes and key, the reason and the origin in headers. */
export function deadLetterMessage(r: Rejected, bolt: string): Message {
  const headers: IHeaders = { ...(r.headers ?? {}) };
  headers["dlq-reason"] = r.reason.slice(0, 2000);
  headers["dlq-topic"] = r.topic;
  headers["dlq-partition"] = String(r.partition);
  headers["dlq-offset"] = r.offset;
  headers["dlq-bolt"] = bolt;
  headers["dlq-at"] = String(Date.now());
  return { key: r.key, value: r.value, headers };
}

/** Dead-letter rejected records; resolves only once Kafka acknowledged them (before offsets are committed). */
export async function deadLetter(producer: ReliableProducer, cfg: Config, bolt: string, rejected: Rejected[]) {
  if (rejected.length === 0) return;
  for (const r of rejected)
    log.warn("dead-lettered", { bolt, topic: r.topic, partition: r.partition, offset: r.offset, reason: r.reason });
  await producer.send(
    topicsOf(cfg).deadLetters,
    rejected.map((r) => deadLetterMessage(r, bolt)),
  );
}

/** A header's value as text (kafkajs gives Buffers). */
export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name];
  if (v === undefined) return undefined;
  const one = Array.isArray(v) ? v[0] : v;
  return one === undefined ? undefined : one.toString();
}

/** The receive time of a record: its received-at header, else the Kafka timestamp. */
export function receivedAtOf(m: Pick<KafkaMessage, "headers" | "timestamp">): number {
  const h = Number(headerText(m.headers, "received-at"));
  return Number.isSafeInteger(h) && h > 0 ? h : Number(m.timestamp);
}

/** Publish update keys (hours, periods) for the rollup bolts, each once; resolves once Kafka has them. */
export async function publishKeys(producer: ReliableProducer, topic: string, keys: Iterable<string>): Promise<void> {
  await publishUpdates(
    producer,
    topic,
    [...keys].map((k) => [k, k]),
  );
}

/** Publish update records [key, value] for the rollup bolts, each distinct one once; resolves once Kafka has them. */
export async function publishUpdates(producer: ReliableProducer, topic: string, updates: Iterable<[string, string]>) {
  const distinct = new Map([...updates].map(([key, value]) => [`${key}\n${value}`, { key, value }]));
  if (distinct.size > 0) await producer.send(topic, [...distinct.values()]);
}
