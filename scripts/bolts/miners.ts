// Miners bolt (group btc-miners): blocks found and rewards per miner, per UTC day and month, in satoshis and in
// EUR, from the raw blocks.
// In: p3-btc-miner-updates (key = value = `day:<ISO>` or `month:<ISO>`; one partition per period, so one writer
//     per period). Sent by the blocks bolt for the periods its blocks touch, and by the prices bolt for the
//     periods a price observation re-values.
// Out: btc-miner, id = `${period}:${startISO}:${miner}` (cut to 512 bytes): over the non-orphaned blocks of
//      btc-raw-blocks of that period, each valued at the observation in effect at its time (btc-value, once the
//      price stream has passed it), summed exactly and rounded once to the cent (domain/rollups.ts). The period's
//      miner documents that no longer appear (a block orphaned, a miner corrected when details came) are deleted.
//      Every write carries an external version that grows along the update topic (lib/consume.ts updateVersion;
//      a stale write never wins, and a re-created topic does not freeze the figures) and waits for
//      the refresh, so the next update of the period sees what this one wrote. Bad keys go to p3-btc-dead-letters.
// Env: the Kafka and Elasticsearch variables, BTC_NAMESPACE, BOLT_BATCH_MAX, BOLT_STALL_TIMEOUT_MS,
//      BOLT_SESSION_TIMEOUT_MS, BOLT_RETRY_MAX_MS.

import type { KafkaMessage } from "kafkajs";
import { minerDocId, minerDocsOf, type PeriodBlock, parsePeriodKey, periodBlocksRequest } from "../domain/rollups.ts";
import { type Config, configOrExit, indicesOf, topicsOf } from "../lib/config.ts";
import { type BoltContext, rejectedOf, runBolt, type Slice, updateVersion } from "../lib/consume.ts";
import { type BulkOp, bulkWrite, esClient, withRetry } from "../lib/es.ts";
import type { Rejected } from "../lib/kafka.ts";
import { fatal } from "../lib/log.ts";
import { pricesAt } from "../lib/price-index.ts";

/** The last update record of each valid period key in a slice, and the rejects. */
export function periodsOf(slice: Slice): { periods: Map<string, KafkaMessage>; rejected: Rejected[] } {
  const periods = new Map<string, KafkaMessage>();
  const rejected: Rejected[] = [];
  for (const m of slice.messages) {
    const key = m.value?.toString("utf8") ?? "";
    if (!parsePeriodKey(key)) rejected.push(rejectedOf(slice, m, "not a period key (day:<ISO> or month:<ISO>)"));
    else periods.set(key, m);
  }
  return { periods, rejected };
}

export function handler(cfg: Config, es = esClient(cfg)) {
  const idx = indicesOf(cfg);
  return async (slice: Slice, ctx: BoltContext): Promise<Rejected[]> => {
    const { periods, rejected } = periodsOf(slice);
    const ops: BulkOp<string>[] = [];
    for (const [key, m] of periods) {
      await ctx.heartbeat();
      const { period, start } = parsePeriodKey(key)!;
      const res = await withRetry(
        "period blocks",
        () => es.search({ index: idx.rawBlocks, ...periodBlocksRequest(period, start) } as never),
        cfg.bolt.retryMaxMs,
        ctx.heartbeat,
      );
      const total = (res.hits.total as { value: number }).value;
      if (total > res.hits.hits.length) throw new Error(`${key}: ${total} blocks, more than one search returns`);
      const blocks = res.hits.hits.map((h) => h._source as PeriodBlock);
      const prices = await pricesAt(
        es,
        cfg,
        blocks.map((b) => b.time),
        ctx.heartbeat,
      );
      const docs = minerDocsOf(period, start, blocks, (b) => prices.get(b.time), Date.now());
      const existing = await withRetry(
        "miner documents",
        () =>
          es.search({
            index: idx.miner,
            size: 10_000,
            _source: false,
            allow_partial_search_results: false,
            query: { bool: { filter: [{ term: { period } }, { term: { start } }] } },
          }),
        cfg.bolt.retryMaxMs,
        ctx.heartbeat,
      );
      const ids = new Set(docs.map((d) => minerDocId(period, start, d.miner)));
      const version = updateVersion(m);
      for (const d of docs)
        ops.push({ op: "index", index: idx.miner, id: minerDocId(period, start, d.miner), doc: d, version, ref: key });
      for (const h of existing.hits.hits)
        if (!ids.has(h._id!)) ops.push({ op: "delete", index: idx.miner, id: h._id!, version, ref: key });
    }
    const refused = await bulkWrite(es, ops, {
      refresh: "wait_for",
      retryMaxMs: cfg.bolt.retryMaxMs,
      onRetry: ctx.heartbeat,
    });
    for (const r of refused) rejected.push(rejectedOf(slice, periods.get(r.ref)!, `btc-miner refused: ${r.reason}`));
    return rejected;
  };
}

async function main() {
  const cfg = configOrExit();
  await runBolt({ cfg, name: "miners", topics: [topicsOf(cfg).minerUpdates], handle: handler(cfg) });
}

if (import.meta.main) main().catch(fatal);
