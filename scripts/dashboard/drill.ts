// The drill-downs (pure builders and shapers, no I/O): an hour's largest transactions and its count, a miner's
// blocks in a UTC day or month (orphaned ones included, flagged). Each is priced in EUR by the rollups' rule: the
// last btc-value observation at or before its time, else the earliest; a time at or after the newest observation
// is pending (null). Exact: sat × eur_e8 as a BigInt, rounded once, half up, to the cent.
// Indices read: btc-raw-transactions (hour), btc-raw-blocks (day, month, miner), btc-value (time). No env.

import { centsOf, e16Of, priceE8Of } from "../domain/pricing.ts";
import { type Config, indicesOf } from "../lib/config.ts";
import type { Period } from "./params.ts";
import type { Search } from "./queries.ts";

type Hit = { _source?: Record<string, unknown> };
type Answer = { hits?: { hits: Hit[]; total?: { value: number } | number }; aggregations?: Record<string, unknown> };
export type Price = { t: number; eur: number; e8: number; source: string };
const FIELDS = ["time", "eur", "eur_e8", "source"];

export function hourTxQuery(cfg: Pick<Config, "namespace">, hour: number, size: number): Search {
  return {
    index: indicesOf(cfg).rawTransactions,
    body: {
      size,
      track_total_hits: true,
      query: { term: { hour } },
      sort: [{ value_sat: "desc" }, { hash: "asc" }],
      _source: ["hash", "time", "value_sat"],
      aggs: { volume: { sum: { field: "value_sat" } } },
    },
  };
}

export function blocksQuery(
  cfg: Pick<Config, "namespace">,
  period: Period,
  start: number,
  miner: string,
  size: number,
) {
  return {
    index: indicesOf(cfg).rawBlocks,
    body: {
      size,
      track_total_hits: true,
      query: {
        bool: { filter: [{ term: { [period]: start } }, { term: { miner } }] },
      },
      sort: [{ time: "desc" }, { hash: "asc" }],
      _source: ["hash", "height", "time", "reward_sat", "fees_sat", "fees_known", "orphaned", "coinbase_tag"],
    },
  } satisfies Search;
}

/** The observation in effect at each time, in one search: a range bucket per gap between consecutive times
 * ((previous, t]), each with its last observation, carried forward; the earliest for times before all. */
export function pricesAtQuery(cfg: Pick<Config, "namespace">, times: number[]): Search {
  const sorted = [...new Set(times)].sort((a, b) => a - b);
  const ranges = sorted.map((t, i) => (i === 0 ? { to: t + 1 } : { from: sorted[i - 1]! + 1, to: t + 1 }));
  return {
    index: indicesOf(cfg).value,
    body: {
      size: 0,
      track_total_hits: false,
      aggs: {
        latest: { max: { field: "time" } },
        earliest: { top_hits: { size: 1, _source: FIELDS, sort: [{ time: "asc" }, { source: "asc" }] } },
        at: {
          range: { field: "time", keyed: false, ranges },
          aggs: { last: { top_hits: { size: 1, _source: FIELDS, sort: [{ time: "desc" }, { source: "desc" }] } } },
        },
      },
    },
  };
}

const ms = (v: unknown) => (typeof v === "number" ? v : new Date(String(v)).getTime());
function priceOf(x: unknown): Price | undefined {
  const s = (x as { hits?: { hits: Hit[] } } | undefined)?.hits?.hits[0]?._source;
  if (!s || typeof s.eur !== "number") return undefined;
  const e8 = typeof s.eur_e8 === "number" ? s.eur_e8 : priceE8Of(s.eur);
  return { t: ms(s.time), eur: e8 / 1e8, e8, source: String(s.source ?? "") };
}

/** The price of each time from pricesAtQuery's answer (undefined: pending, or no price at all). */
export function pricesAtOf(a: Answer, times: number[]): Map<number, Price | undefined> {
  const sorted = [...new Set(times)].sort((x, y) => x - y);
  const aggs = a.aggregations ?? {};
  const latest = (aggs.latest as { value?: number | null } | undefined)?.value ?? null;
  const buckets = (aggs.at as { buckets?: Array<{ doc_count: number; last: unknown }> } | undefined)?.buckets ?? [];
  let carried = priceOf(aggs.earliest);
  const out = new Map<number, Price | undefined>();
  sorted.forEach((t, i) => {
    const b = buckets[i];
    if (b && b.doc_count > 0) carried = priceOf(b.last) ?? carried;
    out.set(t, latest !== null && t < latest ? carried : undefined);
  });
  return out;
}

/** EUR of an amount at a price, to the cent (exact). */
export const eurAt = (sat: number, p: Price | undefined): number | null =>
  p ? Number(centsOf(e16Of(sat, p.e8))) / 100 : null;

export const hitsOf = (a: Answer) => (a.hits?.hits ?? []).map((h) => h._source ?? {});
export const totalOf = (a: Answer) => {
  const t = a.hits?.total;
  return typeof t === "number" ? t : (t?.value ?? 0);
};
const timeOf = (s: Record<string, unknown>) => ms(s.time);
export const timesOf = (a: Answer) => hitsOf(a).map(timeOf);

/** The hour's transactions, largest first, each with its EUR value and the price used. */
export function shapeTxs(a: Answer, prices: Map<number, Price | undefined>) {
  return hitsOf(a).map((s) => {
    const sat = Number(s.value_sat ?? 0);
    const price = prices.get(timeOf(s));
    return {
      hash: String(s.hash ?? ""),
      t: timeOf(s),
      value_btc: sat / 1e8,
      eur: eurAt(sat, price),
      price: price ?? null,
    };
  });
}

/** The miner's blocks, newest first: reward in BTC and EUR, fees (null: unknown), orphaned, coinbase tag. */
export function shapeBlocks(a: Answer, prices: Map<number, Price | undefined>) {
  return hitsOf(a).map((s) => {
    const sat = Number(s.reward_sat ?? 0);
    const price = prices.get(timeOf(s));
    return {
      height: Number(s.height ?? 0),
      hash: String(s.hash ?? ""),
      t: timeOf(s),
      reward_btc: sat / 1e8,
      reward_eur: eurAt(sat, price),
      fees_btc: s.fees_known === true && typeof s.fees_sat === "number" ? s.fees_sat / 1e8 : null,
      orphaned: s.orphaned === true,
      tag: typeof s.coinbase_tag === "string" ? s.coinbase_tag : "",
      price: price ?? null,
    };
  });
}
