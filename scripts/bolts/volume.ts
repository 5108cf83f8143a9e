// Volume bolt (group btc-volume): the hourly volume and maximum, in satoshis and in EUR, from the raw transactions.
// In: p3-btc-volume-updates (key = value = an hour as ISO; one partition per hour, so one writer per hour, as
//     Storm's fields grouping). Sent by the transactions bolt once its writes are searchable, and by the prices
//     bolt for the hours a price observation re-values.
// Out: btc-volume, id = hour ISO: count, volume and largest in satoshis (exact) and BTC; in EUR by an as-of join:
//      the hour cut into the intervals on which one price holds (btc-value, up to the price stream's watermark),
//      one aggregation of btc-raw-transactions with a sum and maximum per interval, each times its price, summed
//      exactly and rounded once to the cent (domain/rollups.ts); what lies past the watermark is pending. Written
//      with an external version that grows along the update topic (lib/consume.ts updateVersion: its append
//      time, then offset), so a stale write from an instance that lost the partition never overwrites a newer one. Bad keys, and an update whose document Elasticsearch refuses for good, go to
//      p3-btc-dead-letters. No refresh is forced: the writers of what it reads wait for theirs.
// Env: the Kafka and Elasticsearch variables, BTC_NAMESPACE, BOLT_BATCH_MAX, BOLT_STALL_TIMEOUT_MS,
//      BOLT_SESSION_TIMEOUT_MS, BOLT_RETRY_MAX_MS.

import type { KafkaMessage } from "kafkajs";
import { priceIntervals } from "../domain/pricing.ts";
import { hourKey, parseHourKey, type VolumeDoc, volumeDocOf, volumeRequest } from "../domain/rollups.ts";
import { type Config, configOrExit, indicesOf, topicsOf } from "../lib/config.ts";
import { type BoltContext, rejectedOf, runBolt, type Slice, updateVersion } from "../lib/consume.ts";
import { type BulkOp, bulkWrite, esClient, withRetry } from "../lib/es.ts";
import type { Rejected } from "../lib/kafka.ts";
import { fatal } from "../lib/log.ts";
import { priceWindow } from "../lib/price-index.ts";

/** The last update record of each valid hour in a slice, and the rejects. */
export function hoursOf(slice: Slice): { hours: Map<number, KafkaMessage>; rejected: Rejected[] } {
  const hours = new Map<number, KafkaMessage>();
  const rejected: Rejected[] = [];
  for (const m of slice.messages) {
    const hour = parseHourKey(m.value?.toString("utf8") ?? "");
    if (hour === undefined) rejected.push(rejectedOf(slice, m, "not an hour in ISO form"));
    else hours.set(hour, m);
  }
  return { hours, rejected };
}

const HOUR = 3_600_000;

export function handler(cfg: Config, es = esClient(cfg)) {
  const idx = indicesOf(cfg);
  return async (slice: Slice, ctx: BoltContext): Promise<Rejected[]> => {
    const { hours, rejected } = hoursOf(slice);
    const ops: BulkOp<number>[] = [];
    for (const hour of hours.keys()) {
      const window = await priceWindow(es, cfg, hour, hour + HOUR, ctx.heartbeat);
      const { intervals } = priceIntervals(window, hour, hour + HOUR);
      const res = await withRetry(
        "volume aggregation",
        () => es.search({ index: idx.rawTransactions, ...volumeRequest(hour, intervals) } as never),
        cfg.bolt.retryMaxMs,
        ctx.heartbeat,
      );
      const doc: VolumeDoc | null = volumeDocOf(hour, intervals, res.aggregations as never, Date.now());
      ops.push({
        op: doc ? "index" : "delete",
        index: idx.volume,
        id: hourKey(hour),
        doc: doc ?? undefined,
        version: updateVersion(hours.get(hour)!),
        ref: hour,
      });
    }
    const refused = await bulkWrite(es, ops, { retryMaxMs: cfg.bolt.retryMaxMs, onRetry: ctx.heartbeat });
    for (const r of refused) rejected.push(rejectedOf(slice, hours.get(r.ref)!, `btc-volume refused: ${r.reason}`));
    return rejected;
  };
}

async function main() {
  const cfg = configOrExit();
  await runBolt({ cfg, name: "volume", topics: [topicsOf(cfg).volumeUpdates], handle: handler(cfg) });
}

if (import.meta.main) main().catch(fatal);
