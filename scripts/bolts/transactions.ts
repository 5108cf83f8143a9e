// Transactions bolt (group btc-transactions): each transaction once, valued when the price stream has passed it.
// In: p3-btc-transactions (value = a blockchain.info `utx` message as received; key = tx hash; headers feed,
//     received-at, origin).
// Out: btc-raw-transactions with `create`, id = tx hash (a repeat is a 409: already there, counted once); value =
//      sum of the outputs in satoshis. Priced at once when a price observation later than its time was consumed,
//      else priced:false for the prices bolt's sweep. Then the distinct hours of the slice (repeats included) go to
//      p3-btc-volume-updates (key = hour) before the offset is committed. Refused messages (not JSON, wrong types,
//      negative or above 21 million BTC, bad hash or time) go to p3-btc-dead-letters with the reason.
// Env: the Kafka and Elasticsearch variables, BTC_NAMESPACE, BOLT_BATCH_MAX, BOLT_STALL_TIMEOUT_MS,
//      BOLT_SESSION_TIMEOUT_MS, BOLT_RETRY_MAX_MS.

import type { KafkaMessage } from "kafkajs";
import { type Config, configOrExit, indicesOf, topicsOf } from "../lib/config.ts";
import { type BoltContext, rejectedOf, runBolt, type Slice } from "../lib/consume.ts";
import { type BulkOp, bulkWrite, esClient } from "../lib/es.ts";
import { headerText, type Rejected } from "../lib/kafka.ts";
import { fatal } from "../lib/log.ts";
import { btcOf, eurOf } from "../tools/bitcoin.ts";
import { type Tx, transactionOf } from "../tools/chain.ts";
import { type PriceSnapshot, valuationAt } from "../tools/pricing.ts";
import { hourKey } from "../tools/rollups.ts";
import { receivedAtOf } from "./prices.ts";
import { priceSnapshot, publishKeys } from "./valuation.ts";

/** The btc-raw-transactions document of a transaction, priced when the snapshot allows it. */
export function transactionDoc(tx: Tx, snap: PriceSnapshot | undefined, slice: Slice, m: KafkaMessage) {
  const obs = snap && valuationAt(snap, tx.time);
  return {
    ...tx,
    value_btc: btcOf(tx.value_sat),
    ...(obs ? { eur_per_btc: obs.eur, value_eur: eurOf(tx.value_sat, obs.eur), price_time: obs.time } : {}),
    priced: obs !== undefined,
    origin: headerText(m.headers, "origin"),
    feed: headerText(m.headers, "feed"),
    received_at: receivedAtOf(m),
    topic: slice.topic,
    partition: slice.partition,
    offset: Number(m.offset),
    raw: m.value?.toString("utf8"),
  };
}

export function handler(cfg: Config, es = esClient(cfg)) {
  const index = indicesOf(cfg).rawTransactions;
  return async (slice: Slice, ctx: BoltContext) => {
    const rejected: Rejected[] = [];
    const txs: Array<{ tx: Tx; m: KafkaMessage }> = [];
    for (const m of slice.messages) {
      const tx = transactionOf(m.value?.toString("utf8") ?? "", receivedAtOf(m));
      if ("error" in tx) rejected.push(rejectedOf(slice, m, tx.error));
      else txs.push({ tx, m });
    }
    if (txs.length === 0) return rejected;
    const times = txs.map((t) => t.tx.time);
    const snap = await priceSnapshot(es, cfg, Math.min(...times), Math.max(...times), ctx.heartbeat);
    const ops: BulkOp<KafkaMessage>[] = txs.map(({ tx, m }) => ({
      op: "create",
      index,
      id: tx.hash,
      doc: transactionDoc(tx, snap, slice, m),
      ref: m,
    }));
    // No refresh here: the volume bolt refreshes btc-raw-transactions before it aggregates an hour.
    const refused = await bulkWrite(es, ops, {
      retryMaxMs: cfg.bolt.retryMaxMs,
      onRetry: ctx.heartbeat,
    });
    const bad = new Set(refused.map((r) => r.ref));
    for (const r of refused) rejected.push(rejectedOf(slice, r.ref, `elasticsearch refused: ${r.reason}`));
    const hours = txs.filter(({ m }) => !bad.has(m)).map(({ tx }) => hourKey(tx.hour));
    await publishKeys(ctx.producer, cfg, topicsOf(cfg).volumeUpdates, hours);
    return rejected;
  };
}

async function main() {
  const cfg = configOrExit();
  await runBolt({ cfg, name: "transactions", topics: [topicsOf(cfg).transactions], handle: handler(cfg) });
}

if (import.meta.main) main().catch(fatal);
