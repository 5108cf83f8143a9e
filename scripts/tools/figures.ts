// The figures in Elasticsearch (btc-volume, btc-miner) in the shape of the reference figures, and the differences
// between the two: what the tests and `make chaos` compare. Satoshis, counts and EUR cents exact, no tolerance.

import type { Config } from "../lib/config.ts";
import { indicesOf } from "../lib/config.ts";
import { esClient } from "../lib/es.ts";
import type { Figures, Min, Vol } from "./reference-figures.ts";

// biome-ignore lint/suspicious/noExplicitAny: documents read back as they are
type J = any;

/** The figures in Elasticsearch now (only fully priced documents count as final). */
export async function actualFigures(cfg: Config): Promise<Figures & { pending: number }> {
  const es = esClient(cfg);
  const idx = indicesOf(cfg);
  const all = async (index: string) =>
    (await es.search({ index, size: 10_000, query: { match_all: {} } })).hits.hits.map((h) => ({
      id: h._id!,
      ...(h._source as J),
    }));
  const volume: Record<string, Vol> = {};
  const miners: Record<string, Min> = {};
  let pending = 0;
  for (const v of await all(idx.volume)) {
    volume[v.id] = {
      tx_count: v.tx_count,
      volume_sat: v.volume_sat,
      max_sat: v.max_sat,
      volume_eur: v.volume_eur,
      max_eur: v.max_eur,
    };
    pending += v.pending_count;
  }
  for (const m of await all(idx.miner)) {
    miners[m.id] = {
      blocks: m.blocks,
      reward_sat: m.reward_sat,
      reward_eur: m.reward_eur,
      fees_unknown_blocks: m.fees_unknown_blocks,
    };
    pending += m.pending_count;
  }
  return { volume, miners, pending };
}

/** Differences between figures (satoshis, counts and EUR cents exact); empty when equal. */
export function differences(want: Figures, got: Figures & { pending?: number }): string[] {
  const out: string[] = [];
  if (got.pending) out.push(`${got.pending} pending valuations`);
  for (const kind of ["volume", "miners"] as const) {
    const w = want[kind] as Record<string, Record<string, number>>;
    const g = got[kind] as Record<string, Record<string, number>>;
    for (const id of new Set([...Object.keys(w), ...Object.keys(g)])) {
      if (!w[id] || !g[id]) {
        out.push(`${kind} ${id}: ${w[id] ? "missing" : "unexpected"}`);
        continue;
      }
      for (const [f, v] of Object.entries(w[id]!)) {
        const a = g[id]![f]!;
        const ok = a === v;
        if (!ok) out.push(`${kind} ${id} ${f}: ${a}, expected ${v}`);
      }
    }
  }
  return out;
}
