// The figures in Elasticsearch (btc-volume, btc-miner) in the shape of the reference figures, and the differences
// between the two: what the tests and `make chaos` compare. Satoshis, counts and EUR cents exact, no tolerance:
// EUR is compared on the integers the rollups store (`volume_eur_cents`, `max_eur_cents`, `reward_eur_cents`), not on
// the `*_eur` doubles beside them, against the reference's amounts turned back into cents.

import type { Config } from "../lib/config.ts";
import { indicesOf } from "../lib/config.ts";
import { esClient } from "../lib/es.ts";
import type { Figures, Min, Vol } from "./reference-figures.ts";

// biome-ignore lint/suspicious/noExplicitAny: documents read back as they are
type J = any;

type Cents<K extends string> = { [k in `${K}_cents`]: number };
export type ActualFigures = {
  volume: Record<string, Vol & Cents<"volume_eur" | "max_eur">>;
  miners: Record<string, Min & Cents<"reward_eur">>;
};

/** The figures in Elasticsearch now (only fully priced documents count as final). */
export async function actualFigures(cfg: Config): Promise<ActualFigures & { pending: number }> {
  const es = esClient(cfg);
  const idx = indicesOf(cfg);
  const all = async (index: string) =>
    (await es.search({ index, size: 10_000, query: { match_all: {} } })).hits.hits.map((h) => ({
      id: h._id!,
      ...(h._source as J),
    }));
  const volume: ActualFigures["volume"] = {};
  const miners: ActualFigures["miners"] = {};
  let pending = 0;
  for (const v of await all(idx.volume)) {
    volume[v.id] = {
      tx_count: v.tx_count,
      volume_sat: v.volume_sat,
      max_sat: v.max_sat,
      volume_eur: v.volume_eur,
      max_eur: v.max_eur,
      volume_eur_cents: v.volume_eur_cents,
      max_eur_cents: v.max_eur_cents,
    };
    pending += v.pending_count;
  }
  for (const m of await all(idx.miner)) {
    miners[m.id] = {
      blocks: m.blocks,
      reward_sat: m.reward_sat,
      reward_eur: m.reward_eur,
      reward_eur_cents: m.reward_eur_cents,
      fees_unknown_blocks: m.fees_unknown_blocks,
    };
    pending += m.pending_count;
  }
  return { volume, miners, pending };
}

/** The reference's EUR (exact cents / 100, as a double) back to its integer cents; exact below 10^12 EUR. */
export function centsOf(eur: number): number {
  if (!Number.isFinite(eur) || Math.abs(eur) >= 1e12) throw new Error(`not an amount of EUR to the cent: ${eur}`);
  return Math.round(eur * 100);
}

/** Differences between figures (satoshis, counts and EUR cents exact); empty when equal. */
export function differences(want: Figures, got: ActualFigures & { pending?: number }): string[] {
  const out: string[] = [];
  if (got.pending) out.push(`${got.pending} pending valuations`);
  for (const kind of ["volume", "miners"] as const) {
    const w = want[kind] as Record<string, Record<string, number>>;
    const g = got[kind] as Record<string, Record<string, number | undefined>>;
    for (const id of new Set([...Object.keys(w), ...Object.keys(g)])) {
      if (!w[id] || !g[id]) {
        out.push(`${kind} ${id}: ${w[id] ? "missing" : "unexpected"}`);
        continue;
      }
      for (const [f, v] of Object.entries(w[id]!)) {
        // EUR: the stored integer cents against the reference's cents
        const [field, expected] = f.endsWith("_eur") ? [`${f}_cents`, centsOf(v)] : [f, v];
        const a = g[id]![field];
        if (a !== expected) out.push(`${kind} ${id} ${field}: ${a}, expected ${expected}`);
      }
    }
  }
  return out;
}
