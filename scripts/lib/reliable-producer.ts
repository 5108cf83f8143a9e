// The project's Kafka producer: idempotent (acks=all, one request in flight, zstd batches), every send resolved or
// rejected within a bound, and replaced after any failed send. The client is @platformatic/kafka: measured on Kafka
// 4.4.0 behind this same wrapper it used 0.68 of kafkajs's CPU per record produced and held the frozen-broker and
// no-quorum faults (docs/dependencies.md); the consumers stay on kafkajs (lib/consume.ts). Keys are placed with
// Kafka's own partitioner (murmur2.ts: murmur2, positive), as kafkajs and the Java clients place them, so a key
// keeps its partition whichever client wrote it. tests/producer-survives-broker-loss.test.ts kills and freezes a
// broker mid-send.
// No topic or index of its own. Env: the Kafka variables of lib/config.ts (brokers, TLS and SASL, send timeout).

import { type MessageToProduce, Producer, type ProducerOptions, stringSerializer } from "@platformatic/kafka";
import type { IHeaders, Message } from "kafkajs";
import type { Config } from "./config.ts";
import { platformaticConnection } from "./kafka.ts";
import { kafkaPartitioner } from "./murmur2.ts";

/** A record to send: key and value as text or bytes, headers by name. */
export type OutRecord = Pick<Message, "key" | "value" | "headers">;
type Plat = Producer<Buffer, Buffer, string, Buffer>;
export type PlatMessage = MessageToProduce<Buffer, Buffer, string, Buffer>;

/** A send that failed: Kafka's answer or its silence says nothing about the records, so it is transient (retried by
 * its caller, lib/settle.ts), with the client's nested causes on one line. */
export class KafkaSendError extends Error {
  readonly transient = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
export class SendTimeout extends KafkaSendError {}

/** An error and its causes (the client's nested errors) on one line. */
export function errorChain(e: unknown, depth = 0): string {
  const x = e as { name?: string; message?: string; errors?: unknown[]; cause?: unknown };
  const inner = [...(x?.errors ?? []), ...(x?.cause ? [x.cause] : [])].slice(0, 3);
  const own = `${x?.name ?? "Error"}: ${x?.message ?? String(e)}`;
  return depth > 3 || inner.length === 0
    ? own
    : `${own} <- ${[...new Set(inner.map((i) => errorChain(i, depth + 1)))].join(" | ")}`;
}

/** Exponential backoff between a send's retries, 200 ms to 5 s. */
export function backoffMs(attempt: number): number {
  return Math.min(5000, 200 * 2 ** Math.max(0, attempt - 1));
}

/** The producer's settings: idempotent (which forces acks=all and one request in flight), KAFKA_COMPRESSION (zstd),
 * Kafka's partitioner. */
export function producerOptions(cfg: Config, clientId: string, compression = cfg.kafka.compression) {
  return {
    clientId,
    ...platformaticConnection(cfg),
    idempotent: true,
    compression,
    connectTimeout: 3000,
    timeout: 15_000,
    retries: 8,
    retryDelay: (_client: unknown, _op: string, attempt: number) => backoffMs(attempt),
    autocreateTopics: false,
    partitioner: kafkaPartitioner,
    serializers: { headerKey: stringSerializer }, // header names are text; keys, values and header values bytes
  } satisfies ProducerOptions<Buffer, Buffer, string, Buffer>;
}

const bytes = (v: string | Buffer) => (Buffer.isBuffer(v) ? v : Buffer.from(v));

/** Headers as one value each (Kafka allows a name twice; the last one is the one readers take). */
export function headerMap(headers: IHeaders | undefined): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [name, v] of Object.entries(headers ?? {})) {
    const one = Array.isArray(v) ? v.at(-1) : v;
    if (one !== undefined) out.set(name, bytes(one));
  }
  return out;
}

/** `records` as @platformatic/kafka messages to `topic`: text made bytes, a missing key left out (round robin). */
export function toMessages(topic: string, records: OutRecord[]): PlatMessage[] {
  return records.map((r) => ({
    topic,
    key: r.key === null || r.key === undefined ? undefined : bytes(r.key),
    value: r.value === null ? undefined : bytes(r.value),
    headers: headerMap(r.headers),
  }));
}

/** `p` within `ms`, else a SendTimeout saying `what`. */
export async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SendTimeout(`${what} took more than ${ms} ms`)), ms);
  });
  return Promise.race([p, bound]).finally(() => clearTimeout(timer));
}

/**
 * An idempotent producer that is replaced after any failed send. A client may go on retrying a send that was
 * given up on (timed out); sending on with the same producer id was seen to lose acknowledged records (kafkajs,
 * tests/producer-survives-broker-loss.test.ts), so a failure retires the producer and the next send gets a new
 * producer id. A send re-tried after a failure may duplicate records: consumers are idempotent.
 */
export class ReliableProducer {
  /** the producer in use, shared by concurrent senders (one producer id at a time) */
  private producer: Plat | undefined;
  constructor(
    private readonly cfg: Config,
    private readonly clientId: string,
    private readonly timeoutMs: number,
  ) {
    platformaticConnection(cfg); // a missing secret is said at start, not at the first send
  }

  /** Resolves once every replica in sync has the records; rejects on error or after the send timeout. */
  async send(topic: string, records: OutRecord[]): Promise<void> {
    if (records.length === 0) return;
    this.producer ??= new Producer<Buffer, Buffer, string, Buffer>(producerOptions(this.cfg, this.clientId));
    const current = this.producer;
    try {
      await within(current.send({ messages: toMessages(topic, records) }), this.timeoutMs, `send to ${topic}`);
    } catch (e) {
      // retire this producer (once, whoever fails first): the next send gets a new producer id
      if (this.producer === current) {
        this.producer = undefined;
        void closeQuietly(current);
      }
      if (e instanceof KafkaSendError) throw e;
      throw new KafkaSendError(`send to ${topic} failed: ${errorChain(e).slice(0, 1000)}`, { cause: e });
    }
  }

  async disconnect(): Promise<void> {
    const p = this.producer;
    this.producer = undefined;
    if (p) await closeQuietly(p);
  }
}

/** Close a producer, its pending sends failed; never throws, gives up after 1.5 s. */
async function closeQuietly(p: Plat): Promise<void> {
  await Promise.race([p.close(true).catch(() => {}), Bun.sleep(1500)]);
}
