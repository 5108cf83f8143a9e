// The drill-downs (pure builders and shapers, no I/O): an hour's largest transactions and its count, a miner's
// blocks in a UTC day or month (orphaned ones included, flagged). Each is priced in EUR by the rollups' rule: the
// last btc-value observation at or before its time, else the earliest; a time at or after the newest observation
// is pending (null). Exact: sat × eur_e8 as a BigInt, rounded once, half up, to the cent.
// Indices read: btc-raw-transactions (hour), btc-raw-blocks (day, month, miner), btc-value (time). No env.

import { centsOf, e16Of, pricesAtOf as observationsAt, pricesAtRequest } from "../domain/pricing.ts";
import { type Config, indicesOf } from "../lib/config.ts";
import type { Period } from "./params.ts";
import type { Search } from "./queries.ts";

type Hit = { _source?: Record<string, unknown> };
type Answer = { hits?: { hits: Hit[]; total?: { value: number } | number }; aggregations?: Record<string, unknown> };
export type Price = { t: number; eur: number; e8: number; source: string };

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

/** The observation in effect at each time, in one search (the rollups' own, domain/pricing.ts). */
export function pricesAtQuery(cfg: Pick<Config, "namespace">, times: number[]): Search {
  return { index: indicesOf(cfg).value, body: { ...pricesAtRequest(times), track_total_hits: false } };
}

/** The price of each time from pricesAtQuery's answer (undefined: pending, or no price at all). */
export function pricesAtOf(a: Answer, times: number[]): Map<number, Price | undefined> {
  const out = new Map<number, Price | undefined>();
  for (const [t, o] of observationsAt(a.aggregations, times))
    out.set(t, o && { t: o.time, eur: o.eur_e8 / 1e8, e8: o.eur_e8, source: o.source });
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
const timeOf = (s: Record<string, unknown>) => (typeof s.time === "number" ? s.time : Date.parse(String(s.time)));
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
