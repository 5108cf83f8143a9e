// Prices bolt (group btc-prices): every price observation into Elasticsearch, then the valuation sweep.
// In: p3-btc-bpi (value = a price source's body as received; headers feed, received-at, origin; key BTC-EUR).
// Out: btc-raw-bpi (the body and what was read from it) and btc-value (time = received-at, EUR, USD, source),
//      both with id `${feed}:${received-at}` (a replay rewrites the same documents); bodies that give no price go
//      to p3-btc-dead-letters with the reason. Then, after each slice and every BOLT_VALUATION_TICK_MS, the sweep
//      of bolts/valuation.ts values the transactions and blocks the price stream has passed (btc-raw-transactions,
//      btc-raw-blocks) and publishes their hours to p3-btc-volume-updates and their days and months to
//      p3-btc-miner-updates.
// Env: the Kafka and Elasticsearch variables, BTC_NAMESPACE, BOLT_BATCH_MAX, BOLT_STALL_TIMEOUT_MS,
//      BOLT_SESSION_TIMEOUT_MS, BOLT_RETRY_MAX_MS, BOLT_VALUATION_TICK_MS.

import type { KafkaMessage } from "kafkajs";
import { type Config, configOrExit, indicesOf, topicsOf } from "../lib/config.ts";
import { rejectedOf, runBolt, type Slice } from "../lib/consume.ts";
import { type BulkOp, bulkWrite, esClient } from "../lib/es.ts";
import { headerText, type Rejected } from "../lib/kafka.ts";
import { fatal, log } from "../lib/log.ts";
import { parsePrice } from "../tools/price-sources.ts";
import { PRICE_ROUTING, sweep } from "./valuation.ts";

/** The receive time of a record: its received-at header, else the Kafka timestamp. */
export function receivedAtOf(m: Pick<KafkaMessage, "headers" | "timestamp">): number {
  const h = Number(headerText(m.headers, "received-at"));
  return Number.isSafeInteger(h) && h > 0 ? h : Number(m.timestamp);
}

export type PriceObservation = { id: string; time: number; feed: string; eur: number; usd?: number; origin?: string };

/** A price record as the observation it gives, or why it is refused. */
export function observationOf(
  m: Pick<KafkaMessage, "headers" | "timestamp" | "value">,
): PriceObservation | { error: string } {
  const feed = headerText(m.headers, "feed") ?? "";
  const time = receivedAtOf(m);
  const price = parsePrice(feed, m.value?.toString("utf8") ?? "");
  if ("error" in price) return price;
  const origin = headerText(m.headers, "origin");
  return { id: `${feed}:${time}`, time, feed, eur: price.eur, usd: price.usd, origin };
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
  const value = { time: o.time, pair: PRICE_ROUTING, eur: o.eur, usd: o.usd, source: o.feed, origin: o.origin };
  return [
    { op: "index", index: idx.rawBpi, id: o.id, doc: raw, ref: m },
    { op: "index", index: idx.value, id: o.id, doc: value, routing: PRICE_ROUTING, ref: m },
  ];
}

async function main() {
  const cfg = configOrExit();
  const es = esClient(cfg);
  await runBolt({
    cfg,
    name: "prices",
    topics: [topicsOf(cfg).bpi],
    tickMs: cfg.bolt.valuationTickMs,
    tick: async (ctx) => {
      const n = await sweep(es, cfg, ctx.producer, ctx.heartbeat);
      if (n > 0) log.info("valued", { documents: n });
    },
    handle: async (slice, ctx) => {
      const rejected: Rejected[] = [];
      const obs: Array<{ o: PriceObservation; m: KafkaMessage }> = [];
      for (const m of slice.messages) {
        const o = observationOf(m);
        if ("error" in o) rejected.push(rejectedOf(slice, m, o.error));
        else obs.push({ o, m });
      }
      // time order within the bulk: a search on the price shard sees a prefix of the stream
      obs.sort((a, b) => a.o.time - b.o.time);
      const ops = obs.flatMap(({ o, m }) => priceOps(cfg, o, slice, m));
      const refused = await bulkWrite(es, ops, {
        refresh: true,
        retryMaxMs: cfg.bolt.retryMaxMs,
        onRetry: ctx.heartbeat,
      });
      const seen = new Set<KafkaMessage>();
      for (const r of refused)
        if (!seen.has(r.ref)) {
          seen.add(r.ref);
          rejected.push(rejectedOf(slice, r.ref, `elasticsearch refused: ${r.reason}`));
        }
      if (obs.length > 0) await sweep(es, cfg, ctx.producer, ctx.heartbeat);
      return rejected;
    },
  });
}

if (import.meta.main) main().catch(fatal);
