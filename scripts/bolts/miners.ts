// Miners bolt (group btc-miners): blocks found and rewards per miner, per UTC day and month, in satoshis and in
// EUR, from the raw blocks.
// In: p3-btc-miner-updates (key = value = `day:<ISO>` or `month:<ISO>`; one partition per period, so one writer
//     per period). Sent by the blocks bolt for the periods its blocks touch, and by the prices bolt for the
//     periods a price observation re-values.
// Out: btc-miner, id = `${period}:${startISO}:${miner}` (cut to 512 bytes): over the non-orphaned blocks of
//      btc-raw-blocks of that period, each valued at the observation in effect at its time (btc-value, once the
//      price stream has passed it), summed exactly and rounded once to the cent (domain/rollups.ts). The period's
//      miner documents that no longer appear (a block orphaned, a miner corrected when details came) are deleted.
//      Every write is guarded by the version of the document read before computing (lib/doc-versions.ts): when
//      another writer came first (another instance holding the period after a repartition), the period is
//      computed again, and so it is when the period's documents read back after the write are not the ones written
//      (two writers creating different miners): the last write is always the one computed last, whatever the
//      update records' timestamps. Writes wait for the refresh. Bad keys go to p3-btc-dead-letters.
// Env: the Kafka and Elasticsearch variables, BTC_NAMESPACE, BOLT_BATCH_MAX, BOLT_STALL_TIMEOUT_MS,
//      BOLT_SESSION_TIMEOUT_MS, BOLT_RETRY_MAX_MS.

import type { Client } from "@elastic/elasticsearch";
import type { KafkaMessage } from "kafkajs";
import { minerDocId, minerDocsOf, type PeriodBlock, parsePeriodKey, periodBlocksRequest } from "../domain/rollups.ts";
import { type Config, configOrExit, indicesOf, topicsOf } from "../lib/config.ts";
import { type BoltContext, rejectedOf, runBolt, type Slice } from "../lib/consume.ts";
import { guardOf, type Version } from "../lib/doc-versions.ts";
import { esClient, withRetry } from "../lib/es.ts";
import { type BulkOp, bulkWrite } from "../lib/es-bulk.ts";
import type { Rejected } from "../lib/kafka.ts";
import { fatal, log } from "../lib/log.ts";
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

/** After this many conflicts in a row (other writers on the same periods), the slice fails and is consumed again. */
const MAX_CONFLICTS = 10;

/** The miner documents of a period as stored now, with their versions. */
async function storedMiners(es: Client, cfg: Config, period: string, start: number, hb: () => Promise<void>) {
  const res = await withRetry(
    "miner documents",
    () =>
      es.search({
        index: indicesOf(cfg).miner,
        size: 10_000,
        _source: false,
        seq_no_primary_term: true,
        allow_partial_search_results: false,
        query: { bool: { filter: [{ term: { period } }, { term: { start } }] } },
      }),
    cfg.bolt.retryMaxMs,
    hb,
  );
  return new Map<string, Version>(
    res.hits.hits.map((h) => [h._id!, { seqNo: h._seq_no!, primaryTerm: h._primary_term! }]),
  );
}

/** The operations that make a period's stored documents the computed ones, each guarded by the version read. */
export function periodOps(index: string, docs: Map<string, unknown>, stored: Map<string, Version>, ref: string) {
  const ops: BulkOp<string>[] = [];
  for (const [id, doc] of docs) ops.push({ ...guardOf(stored.get(id)), index, id, doc, ref });
  for (const [id, at] of stored)
    if (!docs.has(id)) ops.push({ op: "delete", index, id, ifSeqNo: at.seqNo, ifPrimaryTerm: at.primaryTerm, ref });
  return ops;
}

export function handler(cfg: Config, es = esClient(cfg)) {
  const idx = indicesOf(cfg);
  return async (slice: Slice, ctx: BoltContext): Promise<Rejected[]> => {
    const { periods, rejected } = periodsOf(slice);
    let todo = [...periods.keys()];
    for (let attempt = 0; todo.length > 0; attempt++) {
      if (attempt === MAX_CONFLICTS)
        throw Object.assign(new Error(`btc-miner: ${todo.join(", ")} written by others ${attempt} times`), {
          transient: true, // contention, not the records' fault (lib/settle.ts)
        });
      const ops: BulkOp<string>[] = [];
      const written = new Map<string, Set<string>>();
      for (const key of todo) {
        await ctx.heartbeat();
        const { period, start } = parsePeriodKey(key)!;
        const stored = await storedMiners(es, cfg, period, start, ctx.heartbeat);
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
        const byId = new Map(docs.map((d) => [minerDocId(period, start, d.miner), d]));
        written.set(key, new Set(byId.keys()));
        ops.push(...periodOps(idx.miner, byId, stored, key));
      }
      const refused = await bulkWrite(es, ops, {
        refresh: "wait_for",
        retryMaxMs: cfg.bolt.retryMaxMs,
        onRetry: ctx.heartbeat,
      });
      const again = new Set(refused.filter((r) => r.status === 409).map((r) => r.ref));
      for (const r of refused)
        if (r.status !== 409) rejected.push(rejectedOf(slice, periods.get(r.ref)!, `btc-miner refused: ${r.reason}`));
      for (const [key, ids] of written) {
        if (again.has(key)) continue;
        const { period, start } = parsePeriodKey(key)!;
        const now = await storedMiners(es, cfg, period, start, ctx.heartbeat);
        if (now.size !== ids.size || [...ids].some((id) => !now.has(id))) again.add(key);
      }
      todo = [...again];
      if (todo.length > 0) log.info("periods written by another writer meanwhile: computing them again", { todo });
    }
    return rejected;
  };
}

async function main() {
  const cfg = configOrExit();
  await runBolt({ cfg, name: "miners", topics: [topicsOf(cfg).minerUpdates], handle: handler(cfg) });
}

if (import.meta.main) main().catch(fatal);
