// Blocks bolt (group btc-blocks): each block once per version of its facts (announcement, details, chain status),
// its miner, reward and place in the best chain.
// In: p3-btc-blocks (key = height; values as received: blockchain.info `{"op":"block"}` announcements,
//     blockchain.info/rawblock bodies, mempool.space/block and mempool.space/block-txs bodies; headers feed,
//     received-at, origin).
// Out: btc-raw-blocks, id = block hash. Each message is parsed once; the parts of a slice are merged per block into
//      its stored document (domain/chain.ts withPart), which holds facts and where each feed's message is in Kafka
//      (topic, partition, offset), never the message text. The chain status comes in the same pass: the links of
//      the blocks from 2 x REORG_DEPTH (100) below the slice's lowest height to 200 above its highest are read,
//      and every block from 100 below the lowest to 100 above the highest gets orphaned true or false by the
//      best-chain rule (domain/best-chain.ts: true = lost a split, or waits for its parent), so a reorganisation
//      of any depth up to 100 is settled when its last block comes, and a missing parent that arrives connects
//      the blocks above it.
//      Only what changed is written, in one bulk per pass, each write guarded by the version read (if_seq_no); a
//      pass that wrote is followed, after a refresh, by another, until one finds nothing to change (a repeat costs
//      one get and one search, no write). Then the days and months of every block in that range go to
//      p3-btc-miner-updates (so a crash between the writes and the commit loses no update), before the offset is
//      committed. No price here: the miners rollup values blocks. Refused messages go to p3-btc-dead-letters.
// Env: the Kafka and Elasticsearch variables, BTC_NAMESPACE, BOLT_BATCH_MAX, BOLT_STALL_TIMEOUT_MS,
//      BOLT_SESSION_TIMEOUT_MS, BOLT_RETRY_MAX_MS.

import type { Client } from "@elastic/elasticsearch";
import type { KafkaMessage } from "kafkajs";
import { orphanFlags, REORG_DEPTH, waitingBlocks } from "../domain/best-chain.ts";
import { type BlockDoc, type BlockPart, blockPartOf, type PartMeta, withPart } from "../domain/chain.ts";
import { periodKeysOf } from "../domain/rollups.ts";
import { chainLinks, storedBlocks } from "../lib/block-index.ts";
import { type Config, configOrExit, indicesOf, topicsOf } from "../lib/config.ts";
import { type BoltContext, rejectedOf, runBolt, type Slice } from "../lib/consume.ts";
import { esClient, withRetry } from "../lib/es.ts";
import { type BulkOp, bulkWrite } from "../lib/es-bulk.ts";
import { headerText, publishKeys, type Rejected, receivedAtOf } from "../lib/kafka.ts";
import { fatal, log } from "../lib/log.ts";

/** Passes of one slice before it is given up (and retried from Kafka): each pass that wrote is checked by one more. */
const MAX_PASSES = 10;
type Parts = Map<string, Array<{ m: KafkaMessage; part: BlockPart; meta: PartMeta }>>;

/** The slice's messages parsed once, grouped by block hash in offset order, and the refused ones. */
export function partsOf(slice: Slice): { parts: Parts; rejected: Rejected[] } {
  const parts: Parts = new Map();
  const rejected: Rejected[] = [];
  for (const m of slice.messages) {
    const feed = headerText(m.headers, "feed") ?? "";
    const receivedAt = receivedAtOf(m);
    const part = blockPartOf(feed, m.value?.toString("utf8") ?? "", receivedAt);
    if ("error" in part) {
      rejected.push(rejectedOf(slice, m, part.error));
      continue;
    }
    const record = { feed, topic: slice.topic, partition: slice.partition, offset: Number(m.offset) };
    const meta = { feed, receivedAt, origin: headerText(m.headers, "origin"), record };
    parts.set(part.hash, [...(parts.get(part.hash) ?? []), { m, part, meta }]);
  }
  return { parts, rejected };
}

/** One pass: read, merge, settle the chain, write what changed. Returns whether it wrote (or tried to). */
async function pass(
  es: Client,
  cfg: Config,
  slice: Slice,
  parts: Parts,
  out: { rejected: Rejected[]; periods: Set<string> },
  hb: () => Promise<void>,
) {
  const index = indicesOf(cfg).rawBlocks;
  const stored = await storedBlocks(es, cfg, [...parts.keys()], hb);
  const docs = new Map<string, BlockDoc>();
  for (const [hash, ps] of parts) {
    let d = stored.get(hash)?.doc;
    for (const p of ps) d = withPart(d, p.part, p.meta) ?? d;
    docs.set(hash, d!);
    const before = stored.get(hash)?.doc;
    if (before && before.time !== d!.time) for (const k of periodKeysOf(before.time)) out.periods.add(k);
  }
  const heights = [...docs.values()].map((d) => d.height);
  const [lo, hi] = [Math.min(...heights) - REORG_DEPTH, Math.max(...heights)];
  // read from 2 x REORG_DEPTH below to 2 x above, re-evaluated from 100 below to 100 above: each block re-evaluated
  // is judged on what lies under it (connected or not) and on the splits decided within 100 above it
  const links = (await chainLinks(es, cfg, lo - REORG_DEPTH, hi + 2 * REORG_DEPTH, hb)).filter(
    (l) => !docs.has(l.hash),
  );
  const known = [...links, ...docs.values()];
  const flags = orphanFlags(known, heights, hi + REORG_DEPTH);
  for (const b of known)
    if (b.height >= lo && (b.height <= hi || flags.has(b.hash)))
      for (const k of periodKeysOf(b.time)) out.periods.add(k);
  for (const w of waitingBlocks(known))
    if (docs.has(w.hash))
      log.info("block waits for its parent", { hash: w.hash, height: w.height, prev: w.prev_block });
  const ops: BulkOp<string>[] = [];
  for (const [hash, d] of docs) {
    const o = flags.get(hash);
    const next = o === undefined ? d : { ...d, orphaned: o };
    const was = stored.get(hash);
    if (next === was?.doc) continue;
    const guard = was ? { ifSeqNo: was.seqNo, ifPrimaryTerm: was.primaryTerm } : {};
    ops.push({ op: was ? "index" : "create", index, id: hash, doc: next, ref: hash, ...guard });
  }
  for (const l of links) {
    const orphaned = flags.get(l.hash);
    if (orphaned === undefined) continue;
    const guard = { ifSeqNo: l.seqNo, ifPrimaryTerm: l.primaryTerm };
    ops.push({ op: "update", index, id: l.hash, doc: { doc: { orphaned } }, ref: l.hash, ...guard });
  }
  if (ops.length === 0) return false;
  const refused = await bulkWrite(es, ops, { retryMaxMs: cfg.bolt.retryMaxMs, onRetry: hb });
  for (const r of refused) {
    if (r.status === 409) continue; // changed since it was read: the next pass reads it again
    const ps = parts.get(r.ref);
    if (!ps) log.error("orphan flag refused", { hash: r.ref, reason: r.reason });
    else for (const p of ps) out.rejected.push(rejectedOf(slice, p.m, `elasticsearch refused: ${r.reason}`));
    parts.delete(r.ref);
  }
  return true;
}

export function handler(cfg: Config, es = esClient(cfg)) {
  const index = indicesOf(cfg).rawBlocks;
  const refresh = (hb: () => Promise<void>) =>
    withRetry("refresh", () => es.indices.refresh({ index }), cfg.bolt.retryMaxMs, hb);
  return async (slice: Slice, ctx: BoltContext): Promise<Rejected[]> => {
    const { parts, rejected } = partsOf(slice);
    const out = { rejected, periods: new Set<string>() };
    for (let n = 0; parts.size > 0; n++) {
      if (n === MAX_PASSES) throw new Error(`blocks changed under ${MAX_PASSES} passes in a row: slice retried`);
      await ctx.heartbeat();
      await refresh(ctx.heartbeat);
      if (!(await pass(es, cfg, slice, parts, out, ctx.heartbeat))) break;
    }
    await publishKeys(ctx.producer, topicsOf(cfg).minerUpdates, out.periods);
    return rejected;
  };
}

async function main() {
  const cfg = configOrExit();
  await runBolt({ cfg, name: "blocks", topics: [topicsOf(cfg).blocks], handle: handler(cfg) });
}

if (import.meta.main) main().catch(fatal);
