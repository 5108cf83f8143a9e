// The rollups as pure functions of the raw documents: the Elasticsearch aggregations that compute them, and the
// documents built from the aggregation results. btc-volume: one document per UTC hour (id = hour ISO), over
// btc-raw-transactions of that hour. btc-miner: one document per period (UTC day or month), miner (id =
// `${period}:${startISO}:${miner}`), over the non-orphaned blocks of btc-raw-blocks of that period.
// A document counts as priced once it has its EUR price (eur_per_btc); the others are pending. No I/O here.

import { btcOf, dayOf, monthOf } from "./bitcoin.ts";

export type Period = "day" | "month";
const iso = (ms: number) => new Date(ms).toISOString();

/** The key (and value) of an update message: an hour as ISO, or `${period}:${ISO start}`. */
export const hourKey = (hour: number) => iso(hour);
export const periodKey = (period: Period, start: number) => `${period}:${iso(start)}`;
export function periodKeysOf(time: number): string[] {
  return [periodKey("day", dayOf(time)), periodKey("month", monthOf(time))];
}
export function parseHourKey(key: string): number | undefined {
  const t = Date.parse(key);
  return Number.isFinite(t) && t % 3_600_000 === 0 && iso(t) === key ? t : undefined;
}
export function parsePeriodKey(key: string): { period: Period; start: number } | undefined {
  const m = /^(day|month):(.+)$/.exec(key);
  const start = m ? Date.parse(m[2]!) : Number.NaN;
  if (!m || !Number.isFinite(start) || iso(start) !== m[2]) return undefined;
  const period = m[1] as Period;
  if ((period === "day" ? dayOf(start) : monthOf(start)) !== start) return undefined;
  return { period, start };
}

const originAgg = { terms: { field: "origin", size: 3 } };
type Bucket = { key: unknown; doc_count: number; [agg: string]: unknown };
type Val = { value: number | null };
const n = (v: unknown) => Math.round(((v as Val | undefined)?.value ?? 0) as number);
const d = (v: unknown) => ((v as Val | undefined)?.value ?? 0) as number;
/** origin of a rollup: the one of its raw documents, or "mixed" when they differ. */
function originOf(b: Bucket): string | undefined {
  const buckets = ((b.origin as { buckets?: Bucket[] } | undefined)?.buckets ?? []).map((x) => String(x.key));
  return buckets.length === 1 ? buckets[0] : buckets.length > 1 ? "mixed" : undefined;
}

/** The aggregation request (body) over btc-raw-transactions for some hours. */
export function volumeRequest(hours: number[]) {
  return {
    size: 0,
    query: { terms: { hour: hours } },
    aggs: {
      hours: {
        terms: { field: "hour", size: Math.max(hours.length, 1) },
        aggs: {
          volume: { sum: { field: "value_sat" } },
          max: { max: { field: "value_sat" } },
          origin: originAgg,
          priced: {
            filter: { exists: { field: "eur_per_btc" } },
            aggs: { volume_eur: { sum: { field: "value_eur" } }, max_eur: { max: { field: "value_eur" } } },
          },
        },
      },
    },
  };
}

export type VolumeDoc = {
  hour: number;
  tx_count: number;
  volume_sat: number;
  volume_btc: number;
  volume_eur: number;
  max_sat: number;
  max_btc: number;
  max_eur: number;
  priced_count: number;
  pending_count: number;
  origin?: string;
  updated_at: number;
};

/** One volume document per hour asked (null: the hour has no transactions), from the aggregation's buckets. */
export function volumeDocsOf(hours: number[], buckets: Bucket[], now: number): Map<number, VolumeDoc | null> {
  const out = new Map<number, VolumeDoc | null>(hours.map((h) => [h, null]));
  for (const b of buckets) {
    const hour = Number(b.key);
    if (!out.has(hour)) continue;
    const priced = b.priced as Bucket;
    const volume = n(b.volume);
    const max = n(b.max);
    const doc: VolumeDoc = {
      hour,
      tx_count: b.doc_count,
      volume_sat: volume,
      volume_btc: btcOf(volume),
      volume_eur: Math.round(d(priced.volume_eur) * 1e6) / 1e6,
      max_sat: max,
      max_btc: btcOf(max),
      max_eur: d(priced.max_eur),
      priced_count: priced.doc_count,
      pending_count: b.doc_count - priced.doc_count,
      updated_at: now,
    };
    const origin = originOf(b);
    if (origin) doc.origin = origin;
    out.set(hour, doc);
  }
  return out;
}

/** The aggregation request (body) over btc-raw-blocks for one period: non-orphaned blocks, per miner. */
export function minerRequest(period: Period, start: number) {
  return {
    size: 0,
    query: { bool: { filter: [{ term: { [period]: start } }], must_not: [{ term: { orphaned: true } }] } },
    aggs: {
      miners: {
        terms: { field: "miner", size: 10_000 },
        aggs: {
          reward: { sum: { field: "reward_sat" } },
          origin: originAgg,
          fees_unknown: { filter: { term: { fees_known: false } } },
          priced: {
            filter: { exists: { field: "eur_per_btc" } },
            aggs: { reward_eur: { sum: { field: "reward_eur" } } },
          },
        },
      },
    },
  };
}

export type MinerDoc = {
  period: Period;
  start: number;
  miner: string;
  blocks: number;
  reward_sat: number;
  reward_btc: number;
  reward_eur: number;
  fees_unknown_blocks: number;
  priced_count: number;
  pending_count: number;
  origin?: string;
  updated_at: number;
};

/** The id of a miner document. */
export const minerDocId = (period: Period, start: number, miner: string) => `${period}:${iso(start)}:${miner}`;

/** The miner documents of a period, from the aggregation's buckets. */
export function minerDocsOf(period: Period, start: number, buckets: Bucket[], now: number): MinerDoc[] {
  return buckets.map((b) => {
    const priced = b.priced as Bucket;
    const reward = n(b.reward);
    const doc: MinerDoc = {
      period,
      start,
      miner: String(b.key),
      blocks: b.doc_count,
      reward_sat: reward,
      reward_btc: btcOf(reward),
      reward_eur: Math.round(d(priced.reward_eur) * 1e6) / 1e6,
      fees_unknown_blocks: (b.fees_unknown as Bucket).doc_count,
      priced_count: priced.doc_count,
      pending_count: b.doc_count - priced.doc_count,
      updated_at: now,
    };
    const origin = originOf(b);
    if (origin) doc.origin = origin;
    return doc;
  });
}
