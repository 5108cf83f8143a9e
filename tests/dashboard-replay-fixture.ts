// A replayed capture for the dashboard's browser tests, fixed in the past (2024-02-28 to 2024-03-10, origin
// "replay"): prices with a gap (none from 12:10 to 14:20), the raw transactions of three hours and the raw blocks of
// two days and a month (one orphaned, one of the Unknown pool, one of a pool named `<img src=x onerror=alert(1)>`
// whose coinbase tag is `<script>alert(2)</script>`), and their rollups (btc-volume, btc-miner) computed from them
// by the rollups' own rule (domain/pricing.ts, domain/rollups.ts), so every figure the page shows adds up.

import { createHash } from "node:crypto";
import type { Client } from "@elastic/elasticsearch";
import { btcOf, dayOf, hourOf, monthOf, subsidyAt } from "../scripts/domain/bitcoin.ts";
import { centsOf, e16Of, eurOfCents, type Observation, priceE8Of, valuationAt } from "../scripts/domain/pricing.ts";
import { minerDocsOf, type Period } from "../scripts/domain/rollups.ts";
import { type Config, indicesOf } from "../scripts/lib/config.ts";
import { esClient } from "../scripts/lib/es.ts";
import { PRICE_ROUTING } from "../scripts/lib/price-index.ts";
import { EVIL } from "./dashboard-fixture.ts";

export const T = (iso: string) => Date.parse(iso);
export const hashOf = (label: string) => createHash("sha256").update(label).digest("hex");
export const TAG = "<script>alert(2)</script>";
const origin = "replay";
const NOW = T("2024-03-11T00:00:00Z");

export const prices = [
  ["2024-03-09T22:00:00Z", 59_000],
  ["2024-03-10T11:50:00Z", 60_000],
  ["2024-03-10T12:10:00Z", 61_000.5],
  ["2024-03-10T14:20:00Z", 62_000.25],
  ["2024-03-10T15:45:00Z", 62_345.67],
].map(([iso, eur]) => ({
  time: T(iso as string),
  eur: eur as number,
  eur_e8: priceE8Of(eur as number),
  source: "test",
}));
const window = { latest: prices[prices.length - 1]!.time, prices: prices as Observation[] };

export const txs = [
  ["A", "2024-03-10T12:05:00Z", 150_000_000],
  ["B", "2024-03-10T12:30:00Z", 12_000_000_000],
  ["C", "2024-03-10T12:45:30Z", 345_678_901],
  ["D", "2024-03-10T14:10:00Z", 250_000_001],
  ["E", "2024-03-10T14:30:00Z", 200_000_000],
  ["F", "2024-03-10T16:10:00Z", 50_000_000], // after the newest price: pending
].map(([label, iso, sat]) => {
  const time = T(iso as string);
  const value_sat = sat as number;
  return { label: label as string, hash: hashOf(`tx:${label}`), time, hour: hourOf(time), value_sat };
});

type B = [height: number, iso: string, miner: string, fees: number | null, orphaned?: boolean, tag?: string];
const blockRows: B[] = [
  [833_000, "2024-02-28T12:00:00Z", "F2Pool", 3_000_000],
  [833_900, "2024-03-09T20:00:00Z", "ViaBTC", 1_000_000],
  [833_901, "2024-03-09T23:00:00Z", "ViaBTC", 2_000_000],
  [834_001, "2024-03-10T00:30:00Z", "Foundry USA", 10_000_000],
  [834_002, "2024-03-10T01:10:00Z", "AntPool", 20_000_000],
  [834_003, "2024-03-10T03:00:00Z", "Foundry USA", 5_000_000],
  [834_004, "2024-03-10T12:20:00Z", "AntPool", null],
  [834_005, "2024-03-10T13:00:00Z", "Foundry USA", 0],
  [834_006, "2024-03-10T14:40:00Z", EVIL, 2_500_000, false, TAG],
  [834_006, "2024-03-10T14:41:00Z", EVIL, null, true, TAG],
  [834_007, "2024-03-10T15:00:00Z", "Unknown", 1_000_000, false, "/mystery/"],
];
export const blocks = blockRows.map(([height, iso, miner, fees, orphaned = false, tag = ""]) => {
  const time = T(iso);
  const reward_sat = subsidyAt(height) + (fees ?? 0);
  return {
    hash: hashOf(`block:${height}:${orphaned}`),
    height,
    time,
    day: dayOf(time),
    month: monthOf(time),
    main_chain: !orphaned,
    orphaned,
    miner,
    coinbase_tag: tag,
    reward_sat,
    reward_btc: btcOf(reward_sat),
    subsidy_sat: subsidyAt(height),
    ...(fees === null ? {} : { fees_sat: fees }),
    fees_known: fees !== null,
    has_details: fees !== null,
    origin,
  };
});

/** EUR cents of an amount at a time by the rollups' rule (null: pending). */
export function centsAt(sat: number, t: number): bigint | null {
  const obs = valuationAt(window, t);
  return obs ? centsOf(e16Of(sat, obs.eur_e8)) : null;
}

function volumeDocs() {
  return [...new Set(txs.map((x) => x.hour))].map((hour) => {
    const inHour = txs.filter((x) => x.hour === hour);
    const priced = inHour.filter((x) => centsAt(x.value_sat, x.time) !== null);
    const max = Math.max(...inHour.map((x) => x.value_sat));
    const pricedCents = priced.map((x) => centsAt(x.value_sat, x.time)!);
    // biome-ignore lint/complexity/useMathMinMax: BigInt, which Math.max does not take
    const maxCents = pricedCents.reduce((m, c) => (c > m ? c : m), 0n);
    const volume = inHour.reduce((s, x) => s + x.value_sat, 0);
    return {
      hour,
      tx_count: inHour.length,
      volume_sat: volume,
      volume_btc: btcOf(volume),
      volume_eur_cents: Number(pricedCents.reduce((s, c) => s + c, 0n)),
      volume_eur: eurOfCents(pricedCents.reduce((s, c) => s + c, 0n)),
      max_sat: max,
      max_btc: btcOf(max),
      max_eur_cents: Number(maxCents),
      max_eur: eurOfCents(maxCents),
      priced_count: priced.length,
      pending_count: inHour.length - priced.length,
      origin,
      updated_at: NOW,
    };
  });
}

function minerDocs() {
  const main = blocks.filter((b) => !b.orphaned);
  const periods: Array<[Period, number]> = [
    ...[...new Set(main.map((b) => b.day))].map((d): [Period, number] => ["day", d]),
    ...[...new Set(main.map((b) => b.month))].map((m): [Period, number] => ["month", m]),
  ];
  return periods.flatMap(([period, start]) =>
    minerDocsOf(
      period,
      start,
      main.filter((b) => b[period] === start),
      (b) => valuationAt(window, b.time),
      NOW,
    ).map((d) => ({ ...d, origin })),
  );
}

/** Index the capture into a namespace's indices (refreshed: searchable at once). */
export async function seedReplay(cfg: Config, es: Client = esClient(cfg)): Promise<void> {
  const ix = indicesOf(cfg);
  const ops: unknown[] = [];
  for (const p of prices)
    ops.push(
      { index: { _index: ix.value, _id: `test:${p.time}`, routing: PRICE_ROUTING } },
      { ...p, pair: "BTC-EUR", origin },
    );
  for (const x of txs) {
    const { label: _l, ...doc } = x;
    ops.push({ index: { _index: ix.rawTransactions, _id: x.hash } }, { ...doc, value_btc: btcOf(x.value_sat), origin });
  }
  for (const b of blocks) ops.push({ index: { _index: ix.rawBlocks, _id: b.hash } }, b);
  for (const v of volumeDocs()) ops.push({ index: { _index: ix.volume, _id: new Date(v.hour).toISOString() } }, v);
  for (const m of minerDocs()) ops.push({ index: { _index: ix.miner, _id: `${m.period}:${m.start}:${m.miner}` } }, m);
  const res = await es.bulk({ operations: ops, refresh: true });
  if (res.errors) throw new Error(`seed failed: ${JSON.stringify(res.items.find((i) => Object.values(i)[0]?.error))}`);
}
