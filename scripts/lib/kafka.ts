// The kafkajs client (the bolts' consumers, the admin calls), the dead-letter writer and the rollups' update keys,
// sent through the project's producer (reliable-producer.ts), and how a consumed record's headers are read.

import { readFileSync } from "node:fs";
import { zstdCompressSync, zstdDecompressSync } from "node:zlib";
import type { SASLMechanismValue } from "@platformatic/kafka";
import {
  CompressionCodecs,
  CompressionTypes,
  type IHeaders,
  Kafka,
  logLevel as KafkaLogLevel,
  type KafkaMessage,
  type SASLOptions,
} from "kafkajs";
import { type Config, ConfigError, topicsOf } from "./config.ts";
import { log } from "./log.ts";
import type { OutRecord, ReliableProducer } from "./reliable-producer.ts";

/** kafkajs's zstd codec (it ships gzip only): Bun's own zstd (node:zlib), as @platformatic/kafka uses it. Registered
 * when this module loads, so every kafkajs consumer of the project reads the producers' zstd batches. */
export const zstdCodec = {
  compress: async (encoder: { buffer: Buffer }) => zstdCompressSync(encoder.buffer),
  decompress: async (buffer: Buffer) => zstdDecompressSync(buffer),
};
CompressionCodecs[CompressionTypes.ZSTD] = () => zstdCodec;

/** How this program reaches the cluster, for either client: with BTC_SECURE=1 (or KAFKA_USERNAME, KAFKA_CA_CERT),
 * TLS with the CA and SASL as this program's own user (KAFKA_USERNAME, else its identity; KAFKA_PASSWORD, else
 * BTC_SECRETS/kafka/<user>); BTC_SECURE=1 without the password is refused, saying where to put it. */
function connection(cfg: Config) {
  const { sasl, caCert, brokers } = cfg.kafka;
  if (cfg.secure && !sasl?.password)
    throw new ConfigError(
      `BTC_SECURE=1 but no Kafka password for ${sasl?.username ?? "this program (set BTC_IDENTITY)"}: ` +
        `set KAFKA_PASSWORD or create ${cfg.secrets}/kafka/<user> (BTC_SECURE=1 make setup)`,
    );
  const tls = caCert || cfg.secure ? { ca: caCert ? [readFileSync(caCert, "utf8")] : undefined } : undefined;
  // a new object per client: kafkajs keeps its authenticator, bound to the password, on the object it is given
  const login = sasl?.password ? { username: sasl.username, password: sasl.password } : undefined;
  return { brokers, tls, login, mechanism: sasl?.mechanism ?? "" };
}

/** @platformatic/kafka's connection options (the producers, reliable-producer.ts; topic ids, health/topic-id.ts). */
export function platformaticConnection(cfg: Config) {
  const c = connection(cfg);
  return {
    bootstrapBrokers: c.brokers,
    tls: c.tls,
    sasl: c.login ? { mechanism: c.mechanism.toUpperCase() as SASLMechanismValue, ...c.login } : undefined,
  };
}

/** A kafkajs client of the cluster (the bolts' consumers, the admin calls), over connection()'s TLS and SASL. */
export function kafkaClient(cfg: Config, clientId = cfg.kafka.clientId): Kafka {
  const c = connection(cfg);
  return new Kafka({
    clientId,
    brokers: c.brokers,
    ssl: c.tls,
    sasl: c.login ? ({ mechanism: c.mechanism, ...c.login } as SASLOptions) : undefined,
    connectionTimeout: 3000,
    requestTimeout: 15_000,
    retry: { initialRetryTime: 200, maxRetryTime: 5000, retries: 8 },
    logLevel: KafkaLogLevel.NOTHING,
    logCreator: () => (entry) => {
      if (entry.level <= KafkaLogLevel.WARN) log.debug(`kafkajs: ${entry.log.message}`, { ns: entry.namespace });
    },
  });
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
export function deadLetterMessage(r: Rejected, bolt: string): OutRecord {
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
