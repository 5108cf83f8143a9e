// Volume bolt (group btc-volume): the hourly volume and maximum, recomputed from the raw transactions.
// In: p3-btc-volume-updates (key = value = an hour as ISO; one partition per hour, so one writer per hour, as
//     Storm's fields grouping).
// Out: btc-volume, id = hour ISO: count, volume and largest in satoshis (exact) and BTC, volume and largest in EUR
//      over the priced transactions, priced and pending counts: an aggregation over btc-raw-transactions of that
//      hour (tools/rollups.ts), written with external version = the update's offset + 1, so a stale write from an
//      instance that lost the partition never overwrites a newer one. Bad keys, and an update whose document
//      Elasticsearch refuses for good, go to p3-btc-dead-letters.
// Env: the Kafka and Elasticsearch variables, BTC_NAMESPACE, BOLT_BATCH_MAX, BOLT_STALL_TIMEOUT_MS,
//      BOLT_SESSION_TIMEOUT_MS, BOLT_RETRY_MAX_MS.

import { type Config, configOrExit, indicesOf, topicsOf } from "../lib/config.ts";
import { type BoltContext, rejectedAt, rejectedOf, runBolt, type Slice } from "../lib/consume.ts";
import { type BulkOp, bulkWrite, esClient, withRetry } from "../lib/es.ts";
import type { Rejected } from "../lib/kafka.ts";
import { fatal } from "../lib/log.ts";
import { hourKey, parseHourKey, volumeDocsOf, volumeRequest } from "../tools/rollups.ts";

/** The last offset of each valid hour in a slice, and the rejects. */
export function hoursOf(slice: Slice): { hours: Map<number, number>; rejected: Rejected[] } {
  const hours = new Map<number, number>();
  const rejected: Rejected[] = [];
  for (const m of slice.messages) {
    const hour = parseHourKey(m.value?.toString("utf8") ?? "");
    if (hour === undefined) rejected.push(rejectedOf(slice, m, "not an hour in ISO form"));
    else hours.set(hour, Number(m.offset));
  }
  return { hours, rejected };
}

export function handler(cfg: Config, es = esClient(cfg)) {
  const idx = indicesOf(cfg);
  return async (slice: Slice, ctx: BoltContext): Promise<Rejected[]> => {
    const { hours, rejected } = hoursOf(slice);
    if (hours.size === 0) return rejected;
    // Every write these updates announce was acknowledged before the update was sent: a refresh makes it visible.
    await withRetry(
      "refresh",
      () => es.indices.refresh({ index: idx.rawTransactions }),
      cfg.bolt.retryMaxMs,
      ctx.heartbeat,
    );
    const res = await withRetry(
      "volume aggregation",
      () => es.search({ index: idx.rawTransactions, ...volumeRequest([...hours.keys()]) }),
      cfg.bolt.retryMaxMs,
      ctx.heartbeat,
    );
    const buckets = (res.aggregations as { hours: { buckets: never[] } }).hours.buckets;
    const docs = volumeDocsOf([...hours.keys()], buckets, Date.now());
    const ops: BulkOp<number>[] = [...docs].map(([hour, doc]) => ({
      op: doc ? "index" : "delete",
      index: idx.volume,
      id: hourKey(hour),
      doc: doc ?? undefined,
      version: hours.get(hour)! + 1,
      ref: hour,
    }));
    const refused = await bulkWrite(es, ops, { retryMaxMs: cfg.bolt.retryMaxMs, onRetry: ctx.heartbeat });
    for (const r of refused) rejected.push(rejectedAt(slice, hours.get(r.ref)!, `btc-volume refused: ${r.reason}`));
    return rejected;
  };
}

async function main() {
  const cfg = configOrExit();
  await runBolt({ cfg, name: "volume", topics: [topicsOf(cfg).volumeUpdates], handle: handler(cfg) });
}

if (import.meta.main) main().catch(fatal);
