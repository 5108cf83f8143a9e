// Miners bolt (group btc-miners): blocks found and rewards per miner, per UTC day and month, recomputed from the
// raw blocks.
// In: p3-btc-miner-updates (key = value = `day:<ISO>` or `month:<ISO>`; one partition per period, so one writer
//     per period).
// Out: btc-miner, id = `${period}:${startISO}:${miner}`: a terms aggregation per miner over the non-orphaned blocks
//      of btc-raw-blocks of that period (tools/rollups.ts); the period's miner documents that no longer appear
//      (a block orphaned, a miner corrected when details came) are deleted. Every write carries external version
//      = the update's offset + 1 (a stale write never wins). Bad keys go to p3-btc-dead-letters.
// Env: the Kafka and Elasticsearch variables, BTC_NAMESPACE, BOLT_BATCH_MAX, BOLT_STALL_TIMEOUT_MS,
//      BOLT_SESSION_TIMEOUT_MS, BOLT_RETRY_MAX_MS.

import { type Config, configOrExit, indicesOf, topicsOf } from "../lib/config.ts";
import { type BoltContext, rejectedAt, rejectedOf, runBolt, type Slice } from "../lib/consume.ts";
import { type BulkOp, bulkWrite, esClient, withRetry } from "../lib/es.ts";
import type { Rejected } from "../lib/kafka.ts";
import { fatal } from "../lib/log.ts";
import { minerDocId, minerDocsOf, minerRequest, parsePeriodKey } from "../tools/rollups.ts";

/** The last offset of each valid period key in a slice, and the rejects. */
export function periodsOf(slice: Slice): { periods: Map<string, number>; rejected: Rejected[] } {
  const periods = new Map<string, number>();
  const rejected: Rejected[] = [];
  for (const m of slice.messages) {
    const key = m.value?.toString("utf8") ?? "";
    if (!parsePeriodKey(key)) rejected.push(rejectedOf(slice, m, "not a period key (day:<ISO> or month:<ISO>)"));
    else periods.set(key, Number(m.offset));
  }
  return { periods, rejected };
}

export function handler(cfg: Config, es = esClient(cfg)) {
  const idx = indicesOf(cfg);
  return async (slice: Slice, ctx: BoltContext): Promise<Rejected[]> => {
    const { periods, rejected } = periodsOf(slice);
    const ops: BulkOp<string>[] = [];
    for (const [key, offset] of periods) {
      await ctx.heartbeat();
      const { period, start } = parsePeriodKey(key)!;
      const agg = await withRetry(
        "miner aggregation",
        () => es.search({ index: idx.rawBlocks, ...minerRequest(period, start) }),
        cfg.bolt.retryMaxMs,
        ctx.heartbeat,
      );
      const buckets = (agg.aggregations as { miners: { buckets: never[] } }).miners.buckets;
      const docs = minerDocsOf(period, start, buckets, Date.now());
      const existing = await withRetry(
        "miner documents",
        () =>
          es.search({
            index: idx.miner,
            size: 10_000,
            _source: false,
            query: { bool: { filter: [{ term: { period } }, { term: { start } }] } },
          }),
        cfg.bolt.retryMaxMs,
        ctx.heartbeat,
      );
      const ids = new Set(docs.map((d) => minerDocId(period, start, d.miner)));
      const version = offset + 1;
      for (const d of docs)
        ops.push({ op: "index", index: idx.miner, id: minerDocId(period, start, d.miner), doc: d, version, ref: key });
      for (const h of existing.hits.hits)
        if (!ids.has(h._id!)) ops.push({ op: "delete", index: idx.miner, id: h._id!, version, ref: key });
    }
    const refused = await bulkWrite(es, ops, { retryMaxMs: cfg.bolt.retryMaxMs, onRetry: ctx.heartbeat });
    for (const r of refused) rejected.push(rejectedAt(slice, periods.get(r.ref)!, `btc-miner refused: ${r.reason}`));
    return rejected;
  };
}

async function main() {
  const cfg = configOrExit();
  await runBolt({ cfg, name: "miners", topics: [topicsOf(cfg).minerUpdates], handle: handler(cfg) });
}

if (import.meta.main) main().catch(fatal);
