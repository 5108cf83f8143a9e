// Blocks bolt (group btc-blocks): each block once, its announcement and details merged, its miner, reward and
// place in the chain.
// In: p3-btc-blocks (key = height; values as received: blockchain.info `{"op":"block"}` announcements,
//     blockchain.info/rawblock bodies, mempool.space/block and mempool.space/block-txs bodies; headers feed,
//     received-at, origin).
// Out: btc-raw-blocks, id = block hash: each part merged by read, merge (domain/chain.ts), write guarded by
//      if_seq_no (retried on conflict). Then, after a refresh, chain splits: the blocks at h-1 and h are checked
//      against their children at h and h+1, and those that lost get orphaned:true (so of two racing instances at
//      least one sees the other). Then the day and month of every block at the heights touched go to
//      p3-btc-miner-updates, before the offset is committed. No price here: the miners rollup values blocks.
//      Refused messages go to p3-btc-dead-letters.
// Env: the Kafka and Elasticsearch variables, BTC_NAMESPACE, BOLT_BATCH_MAX, BOLT_STALL_TIMEOUT_MS,
//      BOLT_SESSION_TIMEOUT_MS, BOLT_RETRY_MAX_MS.

import type { Client } from "@elastic/elasticsearch";
import { type BlockDoc, blockPartOf, mergeBlock, orphanStatus } from "../domain/chain.ts";
import { periodKeysOf } from "../domain/rollups.ts";
import { type Config, configOrExit, indicesOf, topicsOf } from "../lib/config.ts";
import { type BoltContext, rejectedOf, runBolt, type Slice } from "../lib/consume.ts";
import { bulkWrite, esClient, withRetry } from "../lib/es.ts";
import { headerText, publishKeys, type Rejected, receivedAtOf } from "../lib/kafka.ts";
import { fatal, log } from "../lib/log.ts";

/** A document without its undefined fields (what Elasticsearch gives back), to compare with a stored one. */
export function defined<T extends object>(doc: T): T {
  return Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined)) as T;
}

/** Read, change, write guarded by if_seq_no, until the change leaves the stored document as it is; returns why
 * Elasticsearch refused the document for good, if it did. */
async function readModifyWrite(
  es: Client,
  cfg: Config,
  hb: Hb,
  id: string,
  change: (d?: BlockDoc) => BlockDoc | undefined,
): Promise<string | undefined> {
  const index = indicesOf(cfg).rawBlocks;
  for (let attempt = 0; attempt < 50; attempt++) {
    const got = await withRetry(
      "get block",
      () => es.get<BlockDoc>({ index, id }, { ignore: [404] }),
      cfg.bolt.retryMaxMs,
      hb,
    );
    const prev = got.found ? got._source : undefined;
    const next = change(prev);
    if (!next || Bun.deepEquals(defined(next), prev)) return;
    const guard = got.found ? { ifSeqNo: got._seq_no, ifPrimaryTerm: got._primary_term } : {};
    const op = {
      op: got.found ? ("index" as const) : ("create" as const),
      index,
      id,
      doc: defined(next),
      ref: id,
      ...guard,
    };
    const refused = await bulkWrite(es, [op], { retryMaxMs: cfg.bolt.retryMaxMs, onRetry: hb });
    if (refused[0] && refused[0].status !== 409) return `elasticsearch refused: ${refused[0].reason}`;
  }
  throw new Error(`block ${id}: too many concurrent changes`); // the slice is retried
}
type Hb = () => Promise<void>;

async function blocksAt(es: Client, cfg: Config, hb: Hb, height: number) {
  const res = await withRetry(
    "blocks at height",
    () =>
      es.search<BlockDoc>({
        index: indicesOf(cfg).rawBlocks,
        size: 100,
        _source: ["hash", "prev_block", "orphaned", "time"],
        query: { term: { height } },
      }),
    cfg.bolt.retryMaxMs,
    hb,
  );
  return res.hits.hits.map((h) => h._source!);
}

export function handler(cfg: Config, es = esClient(cfg)) {
  const index = indicesOf(cfg).rawBlocks;
  const refresh = (hb: Hb) => withRetry("refresh", () => es.indices.refresh({ index }), cfg.bolt.retryMaxMs, hb);
  return async (slice: Slice, ctx: BoltContext): Promise<Rejected[]> => {
    const rejected: Rejected[] = [];
    const heights = new Set<number>();
    for (const m of slice.messages) {
      await ctx.heartbeat();
      const feed = headerText(m.headers, "feed") ?? "";
      const raw = m.value?.toString("utf8") ?? "";
      const receivedAt = receivedAtOf(m);
      const part = blockPartOf(feed, raw, receivedAt);
      if ("error" in part) {
        rejected.push(rejectedOf(slice, m, part.error));
        continue;
      }
      const meta = { feed, raw, receivedAt, origin: headerText(m.headers, "origin") };
      const refusal = await readModifyWrite(es, cfg, ctx.heartbeat, part.hash, (prev) => mergeBlock(prev, part, meta));
      if (refusal) rejected.push(rejectedOf(slice, m, refusal));
      else heights.add(part.height);
    }
    if (heights.size === 0) return rejected;
    await refresh(ctx.heartbeat);
    const periods = new Set<string>();
    const toCheck = [...new Set([...heights].flatMap((h) => [h, h - 1]))].sort((a, b) => b - a);
    for (const h of toCheck) {
      await ctx.heartbeat();
      const [atH, children] = [
        await blocksAt(es, cfg, ctx.heartbeat, h),
        await blocksAt(es, cfg, ctx.heartbeat, h + 1),
      ];
      for (const b of [...atH, ...children]) for (const k of periodKeysOf(b.time)) periods.add(k);
      const changes = orphanStatus(atH, children);
      for (const [hash, orphaned] of changes) {
        const refusal = await readModifyWrite(es, cfg, ctx.heartbeat, hash, (prev) =>
          prev ? { ...prev, orphaned } : undefined,
        );
        if (refusal) log.error("orphan flag refused", { hash, refusal });
      }
      if (changes.size > 0) await refresh(ctx.heartbeat);
    }
    await publishKeys(ctx.producer, topicsOf(cfg).minerUpdates, periods);
    return rejected;
  };
}

async function main() {
  const cfg = configOrExit();
  await runBolt({ cfg, name: "blocks", topics: [topicsOf(cfg).blocks], handle: handler(cfg) });
}

if (import.meta.main) main().catch(fatal);
