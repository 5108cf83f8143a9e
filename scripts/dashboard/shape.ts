// Shaping of the named queries' Elasticsearch answers into the small JSON the page draws (pure, no I/O).
// BTC figures are derived from exact satoshi sums (sat / 1e8); EUR figures are rounded to the cent.

import type { Unit } from "./queries.ts";

type Bucket = { key: number | string; key_as_string?: string; doc_count: number; [agg: string]: unknown };
type Aggs = Record<string, { buckets?: Bucket[]; value?: number | null; hits?: { hits: Array<{ _source: unknown }> } }>;
export type EsAnswer = { aggregations?: Aggs };

const num = (b: Bucket, name: string) => (b[name] as { value?: number | null } | undefined)?.value ?? 0;
const btc = (sat: number) => Math.round(sat) / 1e8;
const cents = (eur: number) => Math.round(eur * 100) / 100;

export type PricePoint = { t: number; eur: number };
export type PriceData = { latest: { t: number; eur: number; source: string } | null; points: PricePoint[] };
export type HourRow = {
  t: number;
  tx: number;
  volume_btc: number;
  volume_eur: number;
  max_btc: number;
  max_eur: number;
  pending: number;
};
export type MinerRow = { miner: string; blocks: number; reward_btc: number; reward_eur: number };
export type MinersData = { start: number | null; miners: MinerRow[] };

/** Origins seen by a query (live, simulated, replay). */
export function originsOf(a: EsAnswer): string[] {
  return (a.aggregations?.origins?.buckets ?? []).map((b) => String(b.key)).sort();
}

export function shapePrice(a: EsAnswer): PriceData {
  const points = (a.aggregations?.series?.buckets ?? [])
    .filter((b) => b.doc_count > 0)
    .map((b) => ({ t: Number(b.key), eur: cents(num(b, "eur")) }));
  const hit = a.aggregations?.latest?.hits?.hits[0]?._source as
    | { time?: string | number; eur?: number; source?: string }
    | undefined;
  const latest =
    hit && hit.time !== undefined && typeof hit.eur === "number"
      ? { t: new Date(hit.time).getTime(), eur: hit.eur, source: String(hit.source ?? "") }
      : null;
  return { latest, points };
}

export function shapeHours(a: EsAnswer): HourRow[] {
  return (a.aggregations?.hours?.buckets ?? []).map((b) => ({
    t: Number(b.key),
    tx: num(b, "tx_count"),
    volume_btc: btc(num(b, "volume_sat")),
    volume_eur: cents(num(b, "volume_eur")),
    max_btc: btc(num(b, "max_sat")),
    max_eur: cents(num(b, "max_eur")),
    pending: num(b, "pending_count"),
  }));
}

/** One unit's view of the hours: the API's `volume` and `max` answers. */
export function hourSeries(rows: HourRow[], what: "volume" | "max", unit: Unit) {
  const field = `${what}_${unit}` as const;
  return rows.map((r) => ({ t: r.t, value: r[field], tx: r.tx }));
}

export function shapeMiners(a: EsAnswer): MinersData {
  const day = a.aggregations?.latest?.buckets?.[0];
  if (!day) return { start: null, miners: [] };
  const inner = (day.miners as { buckets?: Bucket[] } | undefined)?.buckets ?? [];
  return {
    start: Number(day.key),
    miners: inner.map((b) => ({
      miner: String(b.key),
      blocks: num(b, "blocks"),
      reward_btc: btc(num(b, "reward_sat")),
      reward_eur: cents(num(b, "reward_eur")),
    })),
  };
}

/** The label the page shows for the data's origins: SIMULATED or REPLAY when any is; none for live data. */
export function originLabel(origins: string[]): string | null {
  if (origins.includes("simulated")) return "SIMULATED";
  if (origins.includes("replay")) return "REPLAY";
  return null;
}
