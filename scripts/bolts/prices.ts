// Prices bolt (group btc-prices): every price observation into Elasticsearch, then the periods it re-values.
// In: p3-btc-bpi (value = a price source's body as received; headers feed, received-at, origin; key BTC-EUR).
// Out: btc-raw-bpi (the body and what was read from it) and btc-value (time = received-at, EUR as a number and
//      as an exact integer of 1e-8 EUR, `eur_e8`; USD, source), both with id `${feed}:${received-at}` (a replay
//      rewrites the same documents), written with refresh=wait_for. Then the span of time whose valuation the
//      slice changed (from the observation before it to the one after it, or to its newest: the watermark) is
//      announced: the hours with transactions in it to p3-btc-volume-updates (value hour/from/to: that span of
//      the hour), the days and months with blocks in
//      it to p3-btc-miner-updates, so the rollup bolts value them again. A late observation re-values what it
//      covers. Bodies that give no price go to p3-btc-dead-letters with the reason.
// Env: the Kafka and Elasticsearch variables, BTC_NAMESPACE, BOLT_BATCH_MAX, BOLT_STALL_TIMEOUT_MS,
//      BOLT_SESSION_TIMEOUT_MS, BOLT_RETRY_MAX_MS.

import type { Client } from "@elastic/elasticsearch";
import type { KafkaMessage } from "kafkajs";
import { parsePrice } from "../domain/price-sources.ts";
import { priceE8Of, revaluedSpan } from "../domain/pricing.ts";
import { hourKey, periodKey } from "../domain/rollups.ts";
import { updateValue } from "../domain/volume-minutes.ts";
import { type Config, configOrExit, indicesOf, topicsOf } from "../lib/config.ts";
import { type BoltContext, rejectedOf, runBolt, type Slice } from "../lib/consume.ts";
import { esClient, withRetry } from "../lib/es.ts";
import { type BulkOp, bulkWrite } from "../lib/es-bulk.ts";
import { headerText, publishKeys, publishUpdates, type Rejected, receivedAtOf } from "../lib/kafka.ts";
import { fatal } from "../lib/log.ts";
import { neighbours, PRICE_ROUTING } from "../lib/price-index.ts";

export type PriceObservation = {
  id: string;
  time: number;
  feed: string;
  eur: number;
  eur_e8: number;
  usd?: number;
  origin?: string;
};

/** A price record as the observation it gives, or why it is refused. */
export function observationOf(
  m: Pick<KafkaMessage, "headers" | "timestamp" | "value">,
): PriceObservation | { error: string } {
  const feed = headerText(m.headers, "feed") ?? "";
  const time = receivedAtOf(m);
  const price = parsePrice(feed, m.value?.toString("utf8") ?? "");
  if ("error" in price) return price;
  const origin = headerText(m.headers, "origin");
  return { id: `${feed}:${time}`, time, feed, eur: price.eur, eur_e8: priceE8Of(price.eur), usd: price.usd, origin };
}

/** The writes of one observation: the raw document and the btc-value one (routed to the price shard). */
export function priceOps(cfg: Config, o: PriceObservation, slice: Slice, m: KafkaMessage): BulkOp<KafkaMessage>[] {
  const idx = indicesOf(cfg);
  const raw = {
    time: o.time,
    feed: o.feed,
    key: m.key?.toString() ?? null,
    eur: o.eur,
    usd: o.usd,
    origin: o.origin,
    topic: slice.topic,
    partition: slice.partition,
    offset: Number(m.offset),
    raw: m.value?.toString("utf8"),
  };
  const value = {
    time: o.time,
    pair: PRICE_ROUTING,
    eur: o.eur,
    eur_e8: o.eur_e8,
    usd: o.usd,
    source: o.feed,
    origin: o.origin,
  };
  return [
    { op: "index", index: idx.rawBpi, id: o.id, doc: raw, ref: m },
    { op: "index", index: idx.value, id: o.id, doc: value, routing: PRICE_ROUTING, ref: m },
  ];
}

/** Announce the hours and periods whose valuation observations in [minT, maxT] may have changed. */
async function announceRevalued(es: Client, cfg: Config, ctx: BoltContext, minT: number, maxT: number) {
  const { before, after } = await neighbours(es, cfg, minT, maxT, ctx.heartbeat);
  const { from, to } = revaluedSpan(maxT, before, after);
  const idx = indicesOf(cfg);
  const time = { range: { time: { ...(Number.isFinite(from) ? { gte: from } : {}), lt: to } } };
  const keysOf = async (index: string, aggs: Record<string, unknown>) => {
    const res = await withRetry(
      "periods to re-value",
      () => es.search({ index, size: 0, allow_partial_search_results: false, query: time, aggs: aggs as never }),
      cfg.bolt.retryMaxMs,
      ctx.heartbeat,
    );
    const a = res.aggregations as Record<string, { buckets: Array<{ key: number }> }>;
    return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v.buckets.map((b) => Number(b.key))]));
  };
  const terms = (field: string) => ({ terms: { field, size: 65_536 } });
  const tx = await keysOf(idx.rawTransactions, { hour: terms("hour") });
  const blocks = await keysOf(idx.rawBlocks, { day: terms("day"), month: terms("month") });
  const span = { from, to };
  const hours = tx.hour!.map((h): [string, string] => [hourKey(h), updateValue(h, span)]);
  await publishUpdates(ctx.producer, topicsOf(cfg).volumeUpdates, hours);
  const periods = [...blocks.day!.map((d) => periodKey("day", d)), ...blocks.month!.map((m) => periodKey("month", m))];
  await publishKeys(ctx.producer, topicsOf(cfg).minerUpdates, periods);
}

async function main() {
  const cfg = configOrExit();
  const es = esClient(cfg);
  await runBolt({
    cfg,
    name: "prices",
    topics: [topicsOf(cfg).bpi],
    handle: async (slice, ctx) => {
      const rejected: Rejected[] = [];
      const obs: Array<{ o: PriceObservation; m: KafkaMessage }> = [];
      for (const m of slice.messages) {
        const o = observationOf(m);
        if ("error" in o) rejected.push(rejectedOf(slice, m, o.error));
        else obs.push({ o, m });
      }
      const ops = obs.flatMap(({ o, m }) => priceOps(cfg, o, slice, m));
      const refused = await bulkWrite(es, ops, {
        refresh: "wait_for",
        retryMaxMs: cfg.bolt.retryMaxMs,
        onRetry: ctx.heartbeat,
      });
      const bad = new Set(refused.map((r) => r.ref));
      for (const m of bad)
        rejected.push(rejectedOf(slice, m, `elasticsearch refused: ${refused.find((r) => r.ref === m)!.reason}`));
      const times = obs.filter(({ m }) => !bad.has(m)).map(({ o }) => o.time);
      if (times.length > 0) await announceRevalued(es, cfg, ctx, Math.min(...times), Math.max(...times));
      return rejected;
    },
  });
}

if (import.meta.main) main().catch(fatal);
