// Transactions bolt (group btc-transactions): each transaction written once, as it came in.
// In: p3-btc-transactions (value = a blockchain.info `utx` message as received; key = tx hash; headers feed,
//     received-at, origin).
// Out: btc-raw-transactions with `create`, id = tx hash (a repeat is a 409: already there, counted once): the
//      value (sum of the outputs) in satoshis, times, hashes and where the record is in Kafka; the message text
//      too when BOLT_TX_KEEP_RAW=1. No price: EUR is joined in the volume rollup. Written with refresh=wait_for
//      (no forced refresh: the bulk returns once the next scheduled refresh made it searchable), then each hour of
//      the slice (repeats included) goes to p3-btc-volume-updates (key = hour, value = hour/from/to: the span of
//      its transactions' times, so the volume bolt aggregates again only those minutes) before the offset is
//      committed. Refused messages (not JSON, wrong types, negative or above 21 million BTC, bad hash or time) go
//      to p3-btc-dead-letters with the reason.
// Env: the Kafka and Elasticsearch variables, BTC_NAMESPACE, BOLT_BATCH_MAX, BOLT_STALL_TIMEOUT_MS,
//      BOLT_SESSION_TIMEOUT_MS, BOLT_RETRY_MAX_MS, BOLT_TX_KEEP_RAW.

import type { KafkaMessage } from "kafkajs";
import { btcOf } from "../domain/bitcoin.ts";
import { type Tx, transactionOf } from "../domain/chain.ts";
import { hourKey } from "../domain/rollups.ts";
import { updateValue } from "../domain/volume-minutes.ts";
import { type Config, configOrExit, indicesOf, topicsOf } from "../lib/config.ts";
import { type BoltContext, rejectedOf, runBolt, type Slice } from "../lib/consume.ts";
import { esClient } from "../lib/es.ts";
import { type BulkOp, bulkWrite } from "../lib/es-bulk.ts";
import { headerText, publishUpdates, type Rejected, receivedAtOf } from "../lib/kafka.ts";
import { fatal } from "../lib/log.ts";

/** The btc-raw-transactions document of a transaction: what came in, and where it is in Kafka. */
export function transactionDoc(tx: Tx, slice: Slice, m: KafkaMessage, keepRaw: boolean) {
  return {
    ...tx,
    value_btc: btcOf(tx.value_sat),
    origin: headerText(m.headers, "origin"),
    feed: headerText(m.headers, "feed"),
    received_at: receivedAtOf(m),
    topic: slice.topic,
    partition: slice.partition,
    offset: Number(m.offset),
    ...(keepRaw ? { raw: m.value?.toString("utf8") } : {}),
  };
}

/** One volume update per hour of the slice: the span [earliest, latest + 1 ms) of its transactions' times. */
export function updatesOf(txs: Iterable<{ hour: number; time: number }>): Array<[string, string]> {
  const spans = new Map<number, { from: number; to: number }>();
  for (const { hour, time } of txs) {
    const s = spans.get(hour);
    spans.set(hour, { from: Math.min(s?.from ?? time, time), to: Math.max(s?.to ?? 0, time + 1) });
  }
  return [...spans].map(([hour, span]) => [hourKey(hour), updateValue(hour, span)]);
}

export function handler(cfg: Config, es = esClient(cfg)) {
  const index = indicesOf(cfg).rawTransactions;
  return async (slice: Slice, ctx: BoltContext) => {
    const rejected: Rejected[] = [];
    const ops: BulkOp<KafkaMessage>[] = [];
    const timeOf = new Map<KafkaMessage, { hour: number; time: number }>();
    for (const m of slice.messages) {
      const tx = transactionOf(m.value?.toString("utf8") ?? "", receivedAtOf(m));
      if ("error" in tx) {
        rejected.push(rejectedOf(slice, m, tx.error));
        continue;
      }
      timeOf.set(m, { hour: tx.hour, time: tx.time });
      ops.push({ op: "create", index, id: tx.hash, doc: transactionDoc(tx, slice, m, cfg.bolt.txKeepRaw), ref: m });
    }
    if (ops.length === 0) return rejected;
    const refused = await bulkWrite(es, ops, {
      refresh: "wait_for",
      retryMaxMs: cfg.bolt.retryMaxMs,
      onRetry: ctx.heartbeat,
    });
    for (const r of refused) {
      timeOf.delete(r.ref);
      rejected.push(rejectedOf(slice, r.ref, `elasticsearch refused: ${r.reason}`));
    }
    await publishUpdates(ctx.producer, topicsOf(cfg).volumeUpdates, updatesOf(timeOf.values()));
    return rejected;
  };
}

async function main() {
  const cfg = configOrExit();
  await runBolt({ cfg, name: "transactions", topics: [topicsOf(cfg).transactions], handle: handler(cfg) });
}

if (import.meta.main) main().catch(fatal);
