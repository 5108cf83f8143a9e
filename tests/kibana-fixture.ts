// A capture of the three metric indices at fixed UTC dates for the Kibana panel tests (made up: the rollups do not
// add up to raw documents). Around Sunday 2024-03-10: prices in hours 09, 10 (two) and 12, none in 11, one in 2015
// (for a 10-year range); volume in hours 09, 10, 11 (two transactions still waiting for a price) and 13; miners of
// the days 03-09 and 03-10 and of the months February, March (one block waiting for a price) and April 2024.

import { priceE8Of } from "../scripts/domain/pricing.ts";
import { type Config, indicesOf } from "../scripts/lib/config.ts";
import { esClient } from "../scripts/lib/es.ts";

export const EVIL = "<img src=x onerror=alert(1)>";
export const at = (iso: string) => Date.parse(iso);

const price = (iso: string, eur: number) => ({
  time: at(iso),
  pair: "BTC-EUR",
  eur,
  eur_e8: priceE8Of(eur),
  usd: eur,
  source: "test",
  origin: "live",
});
export const VALUE = [
  price("2015-01-05T10:00:00Z", 250),
  price("2024-03-10T09:10:00Z", 60_000),
  price("2024-03-10T09:50:00Z", 60_100),
  price("2024-03-10T10:10:00Z", 61_000.5),
  price("2024-03-10T10:40:00Z", 61_500.5),
  price("2024-03-10T12:20:00Z", 62_345.67),
];

const vol = (
  iso: string,
  tx: number,
  pending: number,
  volume_sat: number,
  cents: number,
  max_sat: number,
  maxCents: number,
) => ({
  hour: at(iso),
  tx_count: tx,
  volume_sat,
  volume_btc: volume_sat / 1e8,
  volume_eur_cents: cents,
  volume_eur: cents / 100,
  max_sat,
  max_btc: max_sat / 1e8,
  max_eur_cents: maxCents,
  max_eur: maxCents / 100,
  priced_count: tx - pending,
  pending_count: pending,
  origin: "live",
  updated_at: at("2024-03-10T14:00:00Z"),
});
export const VOLUME = [
  vol("2024-03-10T09:00:00Z", 3, 0, 150_000_000, 9_000_000, 100_000_000, 6_000_000),
  vol("2024-03-10T10:00:00Z", 2, 0, 12_345_678_901, 753_123_456, 12_000_000_000, 732_006_000),
  vol("2024-03-10T11:00:00Z", 5, 2, 250_000_001, 15_586_342, 200_000_000, 12_469_134),
  vol("2024-03-10T13:00:00Z", 1, 0, 10_000, 624, 10_000, 624),
];

const miner = (period: string, iso: string, name: string, blocks: number, sat: number, cents: number, pending = 0) => ({
  period,
  start: at(iso),
  miner: name,
  blocks,
  reward_sat: sat,
  reward_btc: sat / 1e8,
  reward_eur_cents: cents,
  reward_eur: cents / 100,
  fees_unknown_blocks: 0,
  priced_count: blocks - pending,
  pending_count: pending,
  origin: "live",
  updated_at: at("2024-03-10T14:00:00Z"),
});
export const MINERS = [
  miner("day", "2024-03-09T00:00:00Z", "ViaBTC", 10, 3_150_000_000, 190_000_000),
  miner("day", "2024-03-10T00:00:00Z", "Foundry USA", 3, 945_000_000, 58_900_012, 1),
  miner("day", "2024-03-10T00:00:00Z", "AntPool", 2, 630_000_000, 39_270_000),
  miner("day", "2024-03-10T00:00:00Z", EVIL, 1, 315_000_000, 19_635_050),
  miner("month", "2024-02-01T00:00:00Z", "ViaBTC", 400, 126_000_000_000, 7_000_000_000),
  miner("month", "2024-03-01T00:00:00Z", "Foundry USA", 40, 12_600_000_000, 785_400_000, 1),
  miner("month", "2024-03-01T00:00:00Z", "AntPool", 30, 9_450_000_000, 589_050_025),
  miner("month", "2024-03-01T00:00:00Z", EVIL, 5, 1_575_000_000, 98_175_000),
  miner("month", "2024-04-01T00:00:00Z", "Braiins Pool", 2, 630_000_000, 40_000_000),
];

/** Index the capture into the namespace's indices (deterministic ids, refreshed: searchable at once). */
export async function seedKibana(cfg: Config): Promise<void> {
  const ix = indicesOf(cfg);
  const ops: unknown[] = [];
  for (const v of VALUE) ops.push({ index: { _index: ix.value, _id: `test:${v.time}` } }, v);
  for (const v of VOLUME) ops.push({ index: { _index: ix.volume, _id: String(v.hour) } }, v);
  for (const m of MINERS) ops.push({ index: { _index: ix.miner, _id: `${m.period}:${m.start}:${m.miner}` } }, m);
  const res = await esClient(cfg).bulk({ operations: ops, refresh: true });
  if (res.errors) throw new Error(`seed failed: ${JSON.stringify(res.items.find((i) => Object.values(i)[0]?.error))}`);
}
