// Shared by the bolts (not a program): the price snapshot a valuation reads, the valuation sweep, and the
// publication of rollup updates.
// Every btc-value document is routed to one shard (routing "BTC-EUR") and written in time order, so one search
// sees a consistent prefix of the price stream: its latest observation and all those before it.
// The sweep (run by the prices bolt after each slice and on a timer) values the transactions and blocks that the
// price stream has passed: phase 1 writes the EUR fields (guarded by if_seq_no), then their hours / periods are
// published for the rollups, then phase 2 marks them priced. A crash between phases only repeats phase 1.

import type { Client } from "@elastic/elasticsearch";
import { type Config, indicesOf, topicsOf } from "../lib/config.ts";
import { type BulkOp, bulkWrite, withRetry } from "../lib/es.ts";
import type { ReliableProducer } from "../lib/kafka.ts";
import { log } from "../lib/log.ts";
import { eurOf } from "../tools/bitcoin.ts";
import { type Observation, type PriceSnapshot, valuationAt } from "../tools/pricing.ts";
import { hourKey, periodKeysOf } from "../tools/rollups.ts";

export const PRICE_ROUTING = "BTC-EUR";
const WINDOW_MAX = 10_000;
type Hb = (() => Promise<void>) | undefined;

/** The observations needed to value times in [minT, maxT], and the latest, from one consistent view. */
export async function priceSnapshot(
  es: Client,
  cfg: Config,
  minT: number,
  maxT: number,
  hb?: Hb,
): Promise<PriceSnapshot> {
  const fields = ["time", "eur", "source"];
  const asc = [{ time: "asc" }, { source: "asc" }];
  const res = await withRetry(
    "price snapshot",
    () =>
      es.search({
        index: indicesOf(cfg).value,
        routing: PRICE_ROUTING,
        size: WINDOW_MAX,
        track_total_hits: false,
        _source: fields,
        sort: asc as never,
        query: { range: { time: { gt: minT, lte: maxT } } },
        aggs: {
          all: {
            global: {},
            aggs: {
              latest: { max: { field: "time" } },
              before: {
                filter: { range: { time: { lte: minT } } },
                aggs: {
                  top: {
                    top_hits: { size: 1, _source: fields, sort: [{ time: "desc" }, { source: "desc" }] as never },
                  },
                },
              },
              earliest: { top_hits: { size: 1, _source: fields, sort: asc as never } },
            },
          },
        },
      }),
    cfg.bolt.retryMaxMs,
    hb,
  );
  type Hit = { _source?: Observation };
  const all = (res.aggregations as Record<string, Record<string, unknown>>).all!;
  const latest = (all.latest as { value: number | null }).value ?? undefined;
  const top = (x: unknown) => (x as { hits: { hits: Hit[] } }).hits.hits[0]?._source as Observation | undefined;
  const first = top((all.before as { top: unknown }).top) ?? top(all.earliest);
  const window = (res.hits.hits as Hit[]).map((h) => h._source!);
  const prices = first ? [first, ...window] : window;
  const completeBelow = window.length === WINDOW_MAX ? window[window.length - 1]!.time : maxT + 1;
  return { latest, prices, completeBelow };
}

/** Publish update keys (hours, periods) for the rollup bolts; resolves once Kafka has them. */
export async function publishKeys(
  producer: ReliableProducer,
  _cfg: Config,
  topic: string,
  keys: Iterable<string>,
): Promise<void> {
  const messages = [...new Set(keys)].map((k) => ({ key: k, value: k }));
  if (messages.length > 0) await producer.send(topic, messages);
}

type Pending = { _id: string; _seq_no?: number; _primary_term?: number; _source?: Record<string, number> };
const PAGE = 500;

/** Value what the price stream has passed, in both raw indices; returns how many documents were valued. */
export async function sweep(es: Client, cfg: Config, producer: ReliableProducer, hb?: Hb): Promise<number> {
  const idx = indicesOf(cfg);
  const topics = topicsOf(cfg);
  const latest = (await priceSnapshot(es, cfg, 0, 0, hb)).latest;
  if (latest === undefined) return 0;
  let valued = 0;
  for (const kind of ["tx", "block"] as const) {
    const index = kind === "tx" ? idx.rawTransactions : idx.rawBlocks;
    const amount = kind === "tx" ? "value_sat" : "reward_sat";
    for (let page = 0; page < 20; page++) {
      const res = await withRetry(
        "pending valuations",
        () =>
          es.search({
            index,
            size: PAGE,
            seq_no_primary_term: true,
            _source: ["time", amount],
            sort: [{ time: "asc" }] as never,
            query: { bool: { filter: [{ term: { priced: false } }, { range: { time: { lt: latest } } }] } },
          }),
        cfg.bolt.retryMaxMs,
        hb,
      );
      const hits = res.hits.hits as Pending[];
      if (hits.length === 0) break;
      const snap = await priceSnapshot(es, cfg, hits[0]!._source!.time!, hits[hits.length - 1]!._source!.time!, hb);
      const ops: BulkOp<Pending>[] = [];
      for (const h of hits) {
        const obs = valuationAt(snap, h._source!.time!);
        if (!obs) continue;
        const eur = eurOf(h._source![amount]!, obs.eur);
        const doc = { eur_per_btc: obs.eur, price_time: obs.time, [kind === "tx" ? "value_eur" : "reward_eur"]: eur };
        ops.push({
          op: "update",
          index,
          id: h._id,
          doc: { doc },
          ifSeqNo: h._seq_no,
          ifPrimaryTerm: h._primary_term,
          ref: h,
        });
      }
      const refused = await bulkWrite(es, ops, { refresh: true, retryMaxMs: cfg.bolt.retryMaxMs, onRetry: hb });
      if (refused.some((r) => r.status !== 409)) log.warn("valuation writes refused", { refused: refused.slice(0, 3) });
      const done = ops.map((o) => o.ref).filter((h) => !refused.some((r) => r.ref === h));
      if (done.length === 0) break;
      const times = done.map((h) => h._source!.time!);
      if (kind === "tx")
        await publishKeys(
          producer,
          cfg,
          topics.volumeUpdates,
          times.map((t) => hourKey(Math.floor(t / 3_600_000) * 3_600_000)),
        );
      else await publishKeys(producer, cfg, topics.minerUpdates, times.flatMap(periodKeysOf));
      const marks = done.map(
        (h): BulkOp<Pending> => ({ op: "update", index, id: h._id, doc: { doc: { priced: true } }, ref: h }),
      );
      await bulkWrite(es, marks, { refresh: true, retryMaxMs: cfg.bolt.retryMaxMs, onRetry: hb });
      valued += done.length;
      if (hits.length < PAGE) break;
    }
  }
  return valued;
}
