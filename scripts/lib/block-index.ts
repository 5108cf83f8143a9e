// Reads of btc-raw-blocks for the blocks bolt: the stored documents of a slice's blocks (real-time gets, with the
// seq_no and primary term that guard the next write) and the chain links of a height range (a search, so after a
// refresh; paged, any number of blocks). Retried like every read (lib/es.ts withRetry).
// Reads: the Elasticsearch variables, BTC_NAMESPACE, BOLT_RETRY_MAX_MS.

import type { Client } from "@elastic/elasticsearch";
import type { BlockDoc } from "../domain/chain.ts";
import { type Config, indicesOf } from "./config.ts";
import { withRetry } from "./es.ts";

type Hb = () => Promise<void>;
/** A stored version: what a write guarded by if_seq_no / if_primary_term expects to replace. */
export type Version = { seqNo: number; primaryTerm: number };
export type ChainLink = Pick<BlockDoc, "hash" | "height" | "prev_block" | "orphaned" | "time"> & Version;

/** The stored documents of these blocks (absent: not stored yet), as of now (no refresh needed). */
export async function storedBlocks(es: Client, cfg: Config, ids: string[], hb: Hb) {
  const index = indicesOf(cfg).rawBlocks;
  const res = await withRetry("get blocks", () => es.mget<BlockDoc>({ index, ids }), cfg.bolt.retryMaxMs, hb);
  const out = new Map<string, { doc: BlockDoc } & Version>();
  for (const d of res.docs) {
    if ("error" in d || !d.found) continue;
    out.set(d._id, { doc: d._source!, seqNo: d._seq_no!, primaryTerm: d._primary_term! });
  }
  return out;
}

/** Every block with a height from `lo` to `hi`: its link, flag and time, and its version. */
export async function chainLinks(es: Client, cfg: Config, lo: number, hi: number, hb: Hb): Promise<ChainLink[]> {
  const index = indicesOf(cfg).rawBlocks;
  const out: ChainLink[] = [];
  let after: (string | number)[] | undefined;
  for (;;) {
    const res = await withRetry(
      "chain links",
      () =>
        es.search<BlockDoc>({
          index,
          size: 5000,
          seq_no_primary_term: true,
          allow_partial_search_results: false,
          _source: ["hash", "height", "prev_block", "orphaned", "time"],
          query: { range: { height: { gte: lo, lte: hi } } },
          sort: [{ height: "asc" }, { hash: "asc" }],
          ...(after ? { search_after: after } : {}),
        }),
      cfg.bolt.retryMaxMs,
      hb,
    );
    const hits = res.hits.hits;
    for (const h of hits) out.push({ ...h._source!, seqNo: h._seq_no!, primaryTerm: h._primary_term! });
    if (hits.length < 5000) return out;
    after = hits.at(-1)!.sort as (string | number)[];
  }
}
