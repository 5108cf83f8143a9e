// make rebuild's first check: does Kafka still hold the history the current indices cover? For each partition of
// the source topics whose log no longer starts at 0 (retention, or an operator's delete-records), it asks the index
// made from that topic what it holds from records below the log start: every raw document says where its records
// are in Kafka (btc-raw-transactions, btc-raw-bpi: topic/partition/offset; btc-raw-blocks: records.* per feed).
// Blocks indexed before their documents kept that (no `records`) cannot be placed: they count as possibly lost.
// In: the log start offsets of p3-btc-bpi, p3-btc-transactions, p3-btc-blocks (no record is read).
// Reads: the current btc-raw-bpi, btc-raw-transactions, btc-raw-blocks. Env: Kafka and ES variables, BTC_NAMESPACE.

import type { Client } from "@elastic/elasticsearch";
import type { Admin } from "kafkajs";
import { type Config, indicesOf, topicsOf } from "../lib/config.ts";
import { type Held, type LogStart, trimmed } from "./rebuild-plan.ts";

/** Where each partition of a topic starts (records below are deleted). */
export async function logStarts(admin: Admin, topic: string): Promise<LogStart[]> {
  const got = await admin.fetchTopicOffsets(topic);
  return got
    .map((p) => ({ topic, partition: p.partition, start: Number(p.low) }))
    .sort((a, b) => a.partition - b.partition);
}

/** Documents made from records below each trimmed log start, by the topic/partition/offset they carry under
 * `prefix` ("" or "records."). */
export async function heldByOffset(es: Client, index: string, starts: LogStart[], prefix = ""): Promise<Held[]> {
  const parts = trimmed(starts);
  if (parts.length === 0) return [];
  const f = (name: string) => `${prefix}${name}`;
  const aggs = Object.fromEntries(
    parts.map((s) => [
      `p${s.partition}`,
      {
        filter: {
          bool: {
            filter: [{ term: { [f("partition")]: s.partition } }, { range: { [f("offset")]: { lt: s.start } } }],
          },
        },
        aggs: { min: { min: { field: f("offset") } } },
      },
    ]),
  );
  const res = await es.search(
    { index, size: 0, query: { term: { [f("topic")]: parts[0]!.topic } }, aggs: aggs as never },
    { ignore: [404] },
  );
  const a = (res.aggregations ?? {}) as Record<string, { doc_count: number; min: { value: number | null } }>;
  return parts.flatMap((s) => {
    const b = a[`p${s.partition}`];
    if (!b || b.doc_count === 0) return [];
    const { topic, partition, start } = s;
    return [{ topic, partition, start, index, count: b.doc_count, earliest: `offset ${b.min.value}` }];
  });
}

/** Blocks whose documents do not say where their records are, when the blocks topic has trimmed partitions. */
async function unplacedBlocks(es: Client, index: string, starts: LogStart[]): Promise<Held[]> {
  const parts = trimmed(starts);
  if (parts.length === 0) return [];
  const query = { bool: { must_not: [{ exists: { field: "records" } }] } };
  const res = await es.count({ index, query }, { ignore: [404] });
  if (!res.count) return [];
  const trim = parts.map((s) => s.partition);
  return [
    {
      topic: parts[0]!.topic,
      index,
      count: res.count,
      earliest: "indexed before block documents kept their Kafka records",
      trimmed: trim,
    },
  ];
}

/** Everything the current indices hold that Kafka no longer does (empty: the rebuild loses nothing). */
export async function missingHistory(cfg: Config, admin: Admin, es: Client): Promise<Held[]> {
  const t = topicsOf(cfg);
  const idx = indicesOf({ namespace: cfg.namespace });
  const held: Held[] = [];
  held.push(...(await heldByOffset(es, idx.rawTransactions, await logStarts(admin, t.transactions))));
  held.push(...(await heldByOffset(es, idx.rawBpi, await logStarts(admin, t.bpi))));
  const blocks = await logStarts(admin, t.blocks);
  held.push(...(await heldByOffset(es, idx.rawBlocks, blocks, "records.")));
  held.push(...(await unplacedBlocks(es, idx.rawBlocks, blocks)));
  return held;
}
