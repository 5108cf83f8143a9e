// A known capture of the three metric indices for the dashboard and Kibana tests: prices, three hours of volume,
// miners of today (and yesterday, which must not show as "the day"), of this month and last month.
// Times are anchored on the test's start so the docs sit inside the 24 h range; figures are chosen so the exact
// strings the page shows can be written out by hand in the tests. (Made up: they do not add up to raw documents;
// tests/dashboard-replay-fixture.ts is the capture whose rollups do, for the drill-downs.)

import type { Client } from "@elastic/elasticsearch";
import { priceE8Of } from "../scripts/domain/pricing.ts";
import { type Config, indicesOf } from "../scripts/lib/config.ts";
import { esClient } from "../scripts/lib/es.ts";

export const HOUR = 3600_000;
export const EVIL = "<img src=x onerror=alert(1)>";

export function fixture(now = Date.now(), origin = "live") {
  const h0 = now - (now % HOUR);
  const hours = [h0 - 3 * HOUR, h0 - 2 * HOUR, h0 - HOUR];
  const d = new Date(now);
  const today = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  const month = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const lastMonth = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1);
  const price = (time: number, eur: number, usd: number) => ({
    time,
    pair: "BTC-EUR",
    eur,
    eur_e8: priceE8Of(eur),
    usd,
    source: "test",
    origin,
  });
  const value = [
    price(hours[0]! + 600_000, 60_000, 65_000),
    price(hours[1]! + 600_000, 61_000.5, 66_000),
    price(now - 30_000, 62_345.67, 67_000),
  ];
  const vol = (hour: number, tx: number, volume_sat: number, volume_eur: number, max_sat: number, max_eur: number) => ({
    hour,
    tx_count: tx,
    volume_sat,
    volume_btc: volume_sat / 1e8,
    volume_eur,
    volume_eur_cents: Math.round(volume_eur * 100),
    max_sat,
    max_btc: max_sat / 1e8,
    max_eur,
    max_eur_cents: Math.round(max_eur * 100),
    priced_count: tx,
    pending_count: 0,
    origin,
    updated_at: now,
  });
  const volume = [
    vol(hours[0]!, 3, 150_000_000, 90_000, 100_000_000, 60_000),
    vol(hours[1]!, 2, 12_345_678_901, 7_531_234.56, 12_000_000_000, 7_320_060),
    vol(hours[2]!, 5, 250_000_001, 155_863.42, 200_000_000, 124_691.34),
  ];
  const miner = (
    period: string,
    start: number,
    name: string,
    blocks: number,
    reward_sat: number,
    reward_eur: number,
  ) => ({
    period,
    start,
    miner: name,
    blocks,
    reward_sat,
    reward_btc: reward_sat / 1e8,
    reward_eur,
    reward_eur_cents: Math.round(reward_eur * 100),
    fees_unknown_blocks: 0,
    priced_count: blocks,
    pending_count: 0,
    origin,
    updated_at: now,
  });
  const miners = [
    miner("day", today, "Foundry USA", 3, 945_000_000, 589_000.12),
    miner("day", today, "AntPool", 2, 630_000_000, 392_700),
    miner("day", today, EVIL, 1, 315_000_000, 196_350.5),
    miner("day", today - 24 * HOUR, "ViaBTC", 10, 3_150_000_000, 1_900_000),
    miner("month", month, "Foundry USA", 40, 12_600_000_000, 7_854_000),
    miner("month", month, "AntPool", 30, 9_450_000_000, 5_890_500.25),
    miner("month", month, EVIL, 5, 1_575_000_000, 981_750),
    miner("month", lastMonth, "ViaBTC", 400, 126_000_000_000, 70_000_000),
  ];
  return { now, hours, today, month, value, volume, miners };
}

export type Fixture = ReturnType<typeof fixture>;

/** Index the fixture into the namespace's indices (deterministic ids, refresh so it is searchable at once). */
export async function seed(cfg: Config, f: Fixture, es: Client = esClient(cfg)): Promise<void> {
  const ix = indicesOf(cfg);
  const ops: unknown[] = [];
  for (const v of f.value) ops.push({ index: { _index: ix.value, _id: `test:${v.time}` } }, v);
  for (const v of f.volume) ops.push({ index: { _index: ix.volume, _id: String(v.hour) } }, v);
  for (const m of f.miners) ops.push({ index: { _index: ix.miner, _id: `${m.period}:${m.start}:${m.miner}` } }, m);
  const res = await es.bulk({ operations: ops, refresh: true });
  if (res.errors) throw new Error(`seed failed: ${JSON.stringify(res.items.find((i) => Object.values(i)[0]?.error))}`);
}
