// Shaping of the named queries' Elasticsearch answers into the small JSON the page draws (pure, no I/O).
// BTC figures are derived from exact satoshi sums (sat / 1e8); EUR figures from exact cent sums when every
// document has its cents, else from the EUR doubles rounded to the cent. Names from the chain are left untouched
// (the page sets them as text). No index read; no env.

import type { Health } from "../health/pipeline-health.ts";
import type { Unit } from "./params.ts";

type Bucket = { key: number | string; key_as_string?: string; doc_count: number; [agg: string]: unknown };
type Agg = {
  buckets?: Bucket[];
  value?: number | null;
  hits?: { hits: Array<{ _source: unknown }> };
  [sub: string]: unknown;
};
export type EsAnswer = { aggregations?: Record<string, Agg> };

const num = (b: Record<string, unknown>, name: string) =>
  (b[name] as { value?: number | null } | undefined)?.value ?? 0;
const btc = (sat: number) => Math.round(sat) / 1e8;
const cents = (eur: number) => Math.round(eur * 100) / 100;
/** EUR of a bucket: its exact cents when every document has them, else the EUR doubles' sum to the cent. */
const eurOf = (b: Bucket, centsAgg: string, eurAgg: string) =>
  num(b, "cents_n") === b.doc_count && b.doc_count > 0 ? Math.round(num(b, centsAgg)) / 100 : cents(num(b, eurAgg));

export type PricePoint = { t: number; eur: number | null };
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
export type MinerRow = {
  miner: string;
  blocks: number;
  share: number;
  reward_btc: number;
  reward_eur: number;
  pending: number;
};
export type MinersData = { start: number | null; blocks: number; count: number; miners: MinerRow[] };
/** The newest and oldest time of an index (null: empty). */
export type Extent = { newest: number | null; oldest: number | null };

/** Origins seen by a query (live, simulated, replay). */
export function originsOf(a: EsAnswer): string[] {
  return (a.aggregations?.origins?.buckets ?? []).map((b) => String(b.key)).sort();
}

export function extentOf(a: EsAnswer): Extent {
  const e = a.aggregations?.extent as Record<string, unknown> | undefined;
  const v = (k: string) => (e?.[k] as { value?: number | null } | undefined)?.value ?? null;
  return { newest: v("newest"), oldest: v("oldest") };
}

/** The price series (empty buckets as null: a gap) and the latest observation of the window. */
export function shapePrice(a: EsAnswer): PriceData {
  const points = (a.aggregations?.series?.buckets ?? []).map((b) => ({
    t: Number(b.key),
    eur: b.doc_count > 0 ? cents(num(b, "eur")) : null,
  }));
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
    volume_eur: eurOf(b, "volume_cents", "volume_eur"),
    max_btc: btc(num(b, "max_sat")),
    max_eur: eurOf(b, "max_cents", "max_eur"),
    pending: num(b, "pending_count"),
  }));
}

/** One unit's view of the hours: the API's `volume` and `max` answers. */
export function hourSeries(rows: HourRow[], what: "volume" | "max", unit: Unit) {
  const field = `${what}_${unit}` as const;
  return rows.map((r) => ({ t: r.t, value: r[field], tx: r.tx }));
}

/** The top miners of the period found (`start` asked for, kept when it has no data), with their share of the
 * period's blocks. */
export function shapeMiners(a: EsAnswer, start: number | null = null): MinersData {
  const period = a.aggregations?.latest?.buckets?.[0];
  if (!period) return { start, blocks: 0, count: 0, miners: [] };
  const total = num(period, "total_blocks");
  const inner = (period.miners as { buckets?: Bucket[] } | undefined)?.buckets ?? [];
  return {
    start: Number(period.key),
    blocks: total,
    count: num(period, "total_miners"),
    miners: inner.map((b) => ({
      miner: String(b.key),
      blocks: num(b, "blocks"),
      share: total > 0 ? num(b, "blocks") / total : 0,
      reward_btc: btc(num(b, "reward_sat")),
      reward_eur: eurOf(b, "reward_cents", "reward_eur"),
      pending: num(b, "pending_count"),
    })),
  };
}

/** The label the page shows for the data's origins: SIMULATED or REPLAY when any is; none for live data. */
export function originLabel(origins: string[]): string | null {
  if (origins.includes("simulated")) return "SIMULATED";
  if (origins.includes("replay")) return "REPLAY";
  return null;
}

/** A dead letter's reason as the browser may see it: its first clause (what was wrong, not Elasticsearch's detail
 * nor the record's content past it), at most 80 characters. */
export const publicReason = (r: string) =>
  r
    .split(": ")[0]!
    .replace(/[\s\p{Cc}]+/gu, " ")
    .slice(0, 80);

/** The health as the browser may see it: figures and states, no error text, no internal names; per bolt its dead
 * letters (when known) and the newest one's time and reason; a lag not read is null with `unknown`, its public why. */
export function publicHealth(h: Health) {
  const letters = new Map(h.deadLetterBolts?.bolts.map((b) => [b.bolt, b]));
  return {
    at: h.at,
    bolts: h.bolts.map((b) => {
      const d = letters.get(b.bolt);
      const dead = h.deadLetterBolts ? { dead: d?.count ?? 0 } : {};
      const newest = d ? { deadAt: d.newestAt, deadReason: publicReason(d.newestReason) } : {};
      const unknown = b.lag === null ? { unknown: b.unknown?.why ?? "not read" } : {};
      return { bolt: b.bolt, lag: b.lag, rate: b.rate, lost: b.lost, ...unknown, ...dead, ...newest };
    }),
    deadLetters: h.deadLetters,
    kafka: { ok: h.kafka.ok, brokers: h.kafka.brokers, expected: h.kafka.expected, controller: h.kafka.controller },
    es: { ok: h.es.ok, status: h.es.status, nodes: h.es.nodes },
  };
}
