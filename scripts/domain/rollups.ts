// The rollups as pure functions of the raw documents: the Elasticsearch aggregations that compute them, and the
// documents built from the aggregation results. btc-volume: one document per UTC hour (id = hour ISO), over
// btc-raw-transactions of that hour. btc-miner: one document per period (UTC day or month), miner (id =
// `${period}:${startISO}:${miner}`), over the non-orphaned blocks of btc-raw-blocks of that period.
// EUR is an as-of join made here, not stored in the raw documents: the satoshis of each price interval of the
// period (pricing.ts) times that interval's price, summed exactly and rounded once to the cent. What lies at or
// after the price stream's watermark is pending. No I/O here.

import { btcOf, dayOf, monthOf } from "./bitcoin.ts";
import { centsOf, e16Of, eurOfCents, type Observation } from "./pricing.ts";

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

export type VolumeDoc = {
  hour: number;
  tx_count: number;
  volume_sat: number;
  volume_btc: number;
  volume_eur_cents: number;
  volume_eur: number;
  max_sat: number;
  max_btc: number;
  max_eur_cents: number;
  max_eur: number;
  priced_count: number;
  pending_count: number;
  origin?: string;
  updated_at: number;
};

/** The search (body) for the non-orphaned blocks of one period, with what a miner rollup needs of each. */
export function periodBlocksRequest(period: Period, start: number) {
  return {
    size: 10_000,
    track_total_hits: true,
    allow_partial_search_results: false,
    _source: ["hash", "time", "miner", "reward_sat", "fees_known", "origin"],
    sort: [{ time: "asc" }, { hash: "asc" }],
    query: { bool: { filter: [{ term: { [period]: start } }], must_not: [{ term: { orphaned: true } }] } },
  };
}

export type PeriodBlock = {
  hash: string;
  time: number;
  miner: string;
  reward_sat: number;
  fees_known: boolean;
  origin?: string;
};

export type MinerDoc = {
  period: Period;
  start: number;
  miner: string;
  blocks: number;
  reward_sat: number;
  reward_btc: number;
  reward_eur_cents: number;
  reward_eur: number;
  fees_unknown_blocks: number;
  priced_count: number;
  pending_count: number;
  origin?: string;
  updated_at: number;
};

/** The id of a miner document: the miner name cut to fit Elasticsearch's 512-byte id limit, on a whole
 * character (never half a surrogate pair). */
export function minerDocId(period: Period, start: number, miner: string): string {
  const prefix = `${period}:${iso(start)}:`;
  let name = miner;
  const enc = new TextEncoder();
  while (enc.encode(prefix + name).length > 512) name = Array.from(name).slice(0, -1).join("");
  return prefix + name;
}

/** The miner documents of a period from its blocks and the observation each block is valued at (undefined:
 * the price stream has not passed it yet). Sorted by miner. */
export function minerDocsOf(
  period: Period,
  start: number,
  blocks: PeriodBlock[],
  priceOf: (b: PeriodBlock) => Observation | undefined,
  now: number,
): MinerDoc[] {
  const by = new Map<string, { docs: PeriodBlock[]; e16: bigint; priced: number; origins: Set<string> }>();
  for (const b of blocks) {
    const m = by.get(b.miner) ?? { docs: [], e16: 0n, priced: 0, origins: new Set<string>() };
    by.set(b.miner, m);
    m.docs.push(b);
    if (b.origin) m.origins.add(b.origin);
    const obs = priceOf(b);
    if (obs) {
      m.priced++;
      m.e16 += e16Of(b.reward_sat, obs.eur_e8);
    }
  }
  return [...by.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([miner, m]) => {
      const reward = m.docs.reduce((s, b) => s + b.reward_sat, 0);
      const cents = centsOf(m.e16);
      const doc: MinerDoc = {
        period,
        start,
        miner,
        blocks: m.docs.length,
        reward_sat: reward,
        reward_btc: btcOf(reward),
        reward_eur_cents: Number(cents),
        reward_eur: eurOfCents(cents),
        fees_unknown_blocks: m.docs.filter((b) => !b.fees_known).length,
        priced_count: m.priced,
        pending_count: m.docs.length - m.priced,
        updated_at: now,
      };
      if (m.origins.size > 0) doc.origin = m.origins.size === 1 ? [...m.origins][0] : "mixed";
      return doc;
    });
}
