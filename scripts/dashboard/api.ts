// The answers of the dashboard's named queries (GET /api/<name>, parameters already checked by params.ts): each
// runs only the builders of queries.ts and drill.ts, at most two searches in a row, with a short timeout.
// Indices read: btc-value, btc-volume, btc-miner, btc-raw-transactions, btc-raw-blocks. No env.

import type { Client } from "@elastic/elasticsearch";
import type { Config } from "../lib/config.ts";
import {
  blocksQuery,
  hourTxQuery,
  type Price,
  pricesAtOf,
  pricesAtQuery,
  shapeBlocks,
  shapeTxs,
  timesOf,
  totalOf,
} from "./drill.ts";
import { type Live, runSearches } from "./live.ts";
import type { Parsed } from "./params.ts";
import { minersQuery, priceQuery, volumeIntervalOf, volumeQuery, windowOf } from "./queries.ts";
import { extentOf, hourSeries, originsOf, shapeHours, shapeMiners, shapePrice } from "./shape.ts";

type Ok = Extract<Parsed, { ok: true }>;
/** A question a person asked (a click): worth waiting longer for than a poll. */
const ASKED_MS = 10_000;
type Answer = Parameters<typeof totalOf>[0];

/** The price of each hit's time (one search on btc-value), or none when there are no hits. */
async function pricesFor(cfg: Config, es: Client, a: Answer): Promise<Map<number, Price | undefined>> {
  const times = timesOf(a);
  if (times.length === 0) return new Map();
  const [p] = await runSearches(es, [pricesAtQuery(cfg, times)], ASKED_MS);
  return pricesAtOf(p as Answer, times);
}

/** Answer one named query (not `stream`, which the server keeps open). */
export async function answer(cfg: Config, es: Client, live: Live, p: Ok, now = Date.now()): Promise<unknown> {
  const { unit, period, size } = p.params;
  const w = windowOf(p.params.view, now);
  switch (p.name) {
    case "health":
      return live.currentHealth();
    case "price": {
      const [a] = await runSearches(es, [priceQuery(cfg, w)], ASKED_MS);
      return { window: w, origins: originsOf(a!), extent: extentOf(a!), ...shapePrice(a!) };
    }
    case "volume":
    case "max": {
      const [a] = await runSearches(es, [volumeQuery(cfg, w)], ASKED_MS);
      const hours = hourSeries(shapeHours(a!), p.name, unit);
      return { window: w, unit, interval: volumeIntervalOf(w), origins: originsOf(a!), extent: extentOf(a!), hours };
    }
    case "miners": {
      const start = period === "day" ? p.params.day : p.params.month;
      const [a] = await runSearches(es, [minersQuery(cfg, period, start, unit)], ASKED_MS);
      return { period, unit, origins: originsOf(a!), ...shapeMiners(a!, start) };
    }
    case "hour": {
      const hour = p.params.hour!;
      const [a] = (await runSearches(es, [hourTxQuery(cfg, hour, size)], ASKED_MS)) as Answer[];
      const volume = (a!.aggregations?.volume as { value?: number } | undefined)?.value ?? 0;
      const txs = shapeTxs(a!, await pricesFor(cfg, es, a!));
      return { hour, count: totalOf(a!), volume_btc: Math.round(volume) / 1e8, shown: txs.length, txs };
    }
    case "blocks": {
      const byDay = p.params.day !== null;
      const start = (byDay ? p.params.day : p.params.month)!;
      const q = blocksQuery(cfg, byDay ? "day" : "month", start, p.params.miner!, size);
      const [a] = (await runSearches(es, [q], ASKED_MS)) as Answer[];
      const blocks = shapeBlocks(a!, await pricesFor(cfg, es, a!));
      return { miner: p.params.miner, period: byDay ? "day" : "month", start, count: totalOf(a!), blocks };
    }
    default:
      throw new Error(`no answer for ${p.name}`);
  }
}
