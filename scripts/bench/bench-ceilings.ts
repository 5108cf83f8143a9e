// The ceilings of `make bench` measured with the project's own clients and a raw `_bulk`, in the same run as the
// pipeline, so the pipeline's speed is a ratio, not an absolute number that changes with the machine:
// - the producers' client (lib/reliable-producer.ts: idempotent, acks=all, KAFKA_COMPRESSION) and a bare kafkajs consumer;
// - Elasticsearch: exactly the documents the pipeline wrote to btc-raw-transactions, read back (_id and _source),
//   bulk-indexed (`create`, batches of BOLT_BATCH_MAX as the bolt's, 2 clients at once, one per node, bodies serialized
//   before the clock starts) into an empty index with the same mapping and settings, then refreshed.
// Kafka's own perf tools are in bench-kafka-tools.ts.

import type { Consumer, Message } from "kafkajs";
import type { Config } from "../lib/config.ts";
import { esClient } from "../lib/es.ts";
import { kafkaClient } from "../lib/kafka.ts";
import { sleep } from "../lib/log.ts";
import { ReliableProducer } from "../lib/reliable-producer.ts";

/** Publish with the idempotent producer (acks=all) in batches of 1000; returns the time taken (ms). */
export async function produce(cfg: Config, topic: string, messages: Message[]): Promise<number> {
  const producer = new ReliableProducer(cfg, "bench", 60_000);
  const t0 = performance.now();
  for (let i = 0; i < messages.length; i += 1000) await producer.send(topic, messages.slice(i, i + 1000));
  const ms = performance.now() - t0;
  await producer.disconnect();
  return ms;
}

const reading = new Set<Consumer>();

/** Leave the consumer groups the bench is in (so that its cleanup can delete them). */
export async function leaveGroups(): Promise<void> {
  await Promise.all([...reading].map((c) => c.disconnect().catch(() => {})));
}

/** Read `n` records of `topic` back with a bare kafkajs consumer; returns the time from the first batch (ms). */
export async function consumeAll(cfg: Config, topic: string, n: number): Promise<number> {
  const consumer = kafkaClient(cfg, "bench").consumer({ groupId: `${cfg.namespace}-bench-read` });
  reading.add(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
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
  reading.delete(consumer);
  return ms;
}

export type Doc = { id: string; source: unknown };

/** Every document of `index` (_id and _source), by scroll. */
export async function readBack(cfg: Config, index: string): Promise<Doc[]> {
  const es = esClient(cfg);
  const out: Doc[] = [];
  let res = await es.search({ index, scroll: "2m", size: 5000, sort: ["_doc"] });
  while (res.hits.hits.length > 0) {
    for (const h of res.hits.hits) out.push({ id: h._id!, source: h._source });
    res = await es.scroll({ scroll_id: res._scroll_id!, scroll: "2m" });
  }
  if (res._scroll_id) await es.clearScroll({ scroll_id: res._scroll_id }).catch(() => {});
  return out;
}

function headers(cfg: Config): Record<string, string> {
  const h: Record<string, string> = { "content-type": "application/x-ndjson" };
  if (cfg.es.apiKey) h.authorization = `ApiKey ${cfg.es.apiKey}`;
  else if (cfg.es.username) h.authorization = `Basic ${btoa(`${cfg.es.username}:${cfg.es.password ?? ""}`)}`;
  return h;
}

type Item = Record<string, { status: number; error?: { reason?: string } }>;

/** POST one `_bulk` body until every item landed (429 and 5xx items are sent again, in a new body). */
async function bulk(cfg: Config, node: string, lines: string[], retries: { n: number }): Promise<void> {
  let pending = lines;
  for (let attempt = 0; pending.length > 0; attempt++) {
    const res = await fetch(`${node}/_bulk`, { method: "POST", headers: headers(cfg), body: pending.join("") });
    if (!res.ok) throw new Error(`_bulk answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    const body = (await res.json()) as { errors: boolean; items: Item[] };
    if (!body.errors) return;
    const again: string[] = [];
    body.items.forEach((it, i) => {
      const r = Object.values(it)[0]!;
      if (r.status === 429 || r.status >= 500) again.push(pending[i]!);
      else if (r.status >= 300) throw new Error(`_bulk refused a document (${r.status}): ${r.error?.reason}`);
    });
    retries.n += again.length;
    pending = again;
    await sleep(Math.min(2000, 50 * 2 ** attempt));
  }
}

/** Bulk-index `docs` into `index` with `clients` concurrent clients and batches of `batch`, then refresh. */
export async function esBulkCeiling(cfg: Config, index: string, docs: Doc[], batch = cfg.bolt.batchMax, clients = 2) {
  const bodies: string[][] = [];
  for (let i = 0; i < docs.length; i += batch)
    bodies.push(
      docs
        .slice(i, i + batch)
        .map((d) => `${JSON.stringify({ create: { _index: index, _id: d.id } })}\n${JSON.stringify(d.source)}\n`),
    );
  const bytes = bodies.flat().reduce((s, l) => s + Buffer.byteLength(l), 0);
  const retries = { n: 0 };
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, w) => {
      const node = cfg.es.nodes[w % cfg.es.nodes.length]!.replace(/\/+$/, "");
      while (next < bodies.length) await bulk(cfg, node, bodies[next++]!, retries);
    }),
  );
  await fetch(`${cfg.es.nodes[0]!.replace(/\/+$/, "")}/${index}/_refresh`, { method: "POST", headers: headers(cfg) });
  const ms = performance.now() - t0;
  const count = Number((await esClient(cfg).count({ index })).count);
  if (count !== docs.length) throw new Error(`${index} holds ${count} documents, ${docs.length} were sent`);
  return {
    docs: docs.length,
    ms: Math.round(ms),
    docs_per_s: Math.round((docs.length * 1000) / ms),
    bytes,
    retries: retries.n,
    batch,
    clients,
  };
}
