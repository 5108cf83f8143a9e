// The dashboard's named queries on the rollups: the only Elasticsearch requests its views send (pure builders,
// no I/O). Indices read: btc-value (time), btc-volume (hour), btc-miner (period, start).
// Every date histogram is UTC with calendar (or fixed minute) intervals; amounts in satoshis and cents are summed
// exactly. Each view also asks for its index's newest time (a `global` aggregation): the page uses it to tell a
// range after the data (a replay, a stopped feed) and to open a replayed capture on its own period.

import type { Config } from "../lib/config.ts";
import { indicesOf } from "../lib/config.ts";
import { type Period, PRESETS, type Preset, type Unit, type View } from "./params.ts";

/** The time span a view shows: [from, to), `live` when it ends now (a preset, re-read at every poll). */
export type Window = { from: number; to: number; live: boolean; preset: Preset | null };
export type Search = { index: string; body: Record<string, unknown> };

const HOUR = 3600_000;
const DAY = 24 * HOUR;

export function windowOf(view: View, now: number): Window {
  if ("range" in view) return { from: now - PRESETS[view.range], to: now, live: true, preset: view.range };
  return { from: view.from, to: view.to, live: false, preset: null };
}

/** The price series' bucket: about 60 to 400 points whatever the span. */
export function priceBucketOf(w: Window): string {
  const span = w.to - w.from;
  return span <= HOUR ? "1m" : span <= DAY ? "5m" : span <= 7 * DAY ? "30m" : span <= 31 * DAY ? "2h" : "1d";
}

/** The volume bars: one per UTC hour up to 31 days, one per UTC day beyond. */
export const volumeIntervalOf = (w: Window): "1h" | "1d" => (w.to - w.from <= 31 * DAY ? "1h" : "1d");

const timeRange = (field: string, from: number, w: Window) => ({
  range: { [field]: { gte: from, ...(w.live ? {} : { lt: w.to }), format: "epoch_millis" } },
});
const newest = (field: string) => ({
  global: {},
  aggs: { newest: { max: { field } }, oldest: { min: { field } } },
});

/** Price observations of the window: a bucketed series (mean EUR; empty buckets kept, so gaps show), the latest
 * observation of the window, and the newest and oldest of the index. */
export function priceQuery(cfg: Pick<Config, "namespace">, w: Window): Search {
  return {
    index: indicesOf(cfg).value,
    body: {
      size: 0,
      track_total_hits: false,
      query: timeRange("time", w.from, w),
      aggs: {
        series: {
          date_histogram: {
            field: "time",
            fixed_interval: priceBucketOf(w),
            time_zone: "UTC",
            min_doc_count: 0,
            extended_bounds: { min: w.from, max: w.to - 1 },
          },
          aggs: { eur: { avg: { field: "eur" } } },
        },
        latest: { top_hits: { size: 1, sort: [{ time: "desc" }], _source: ["time", "eur", "source"] } },
        extent: newest("time"),
        origins: { terms: { field: "origin", size: 5 } },
      },
    },
  };
}

/** Volume and largest transaction per UTC hour (or day) of the window: satoshis and cents summed exactly. */
export function volumeQuery(cfg: Pick<Config, "namespace">, w: Window): Search {
  const interval = volumeIntervalOf(w);
  const from = w.from - (w.from % (interval === "1h" ? HOUR : DAY));
  return {
    index: indicesOf(cfg).volume,
    body: {
      size: 0,
      track_total_hits: false,
      query: timeRange("hour", from, w),
      aggs: {
        hours: {
          date_histogram: { field: "hour", calendar_interval: interval, time_zone: "UTC", min_doc_count: 1 },
          aggs: {
            tx_count: { sum: { field: "tx_count" } },
            volume_sat: { sum: { field: "volume_sat" } },
            volume_eur: { sum: { field: "volume_eur" } },
            volume_cents: { sum: { field: "volume_eur_cents" } },
            cents_n: { value_count: { field: "volume_eur_cents" } },
            max_sat: { max: { field: "max_sat" } },
            max_eur: { max: { field: "max_eur" } },
            max_cents: { max: { field: "max_eur_cents" } },
            pending_count: { sum: { field: "pending_count" } },
          },
        },
        extent: newest("hour"),
        origins: { terms: { field: "origin", size: 5 } },
      },
    },
  };
}

/** The top 10 miners of a UTC day (or month), by reward in the unit (satoshis for BTC: exact), with the
 * period's totals (every miner's blocks, for the shares). `start` null: the latest period present. */
export function minersQuery(cfg: Pick<Config, "namespace">, period: Period, start: number | null, unit: Unit): Search {
  const by = unit === "btc" ? "reward_sat" : "reward_eur";
  const filter: unknown[] = [{ term: { period } }];
  if (start !== null) filter.push({ term: { start } });
  return {
    index: indicesOf(cfg).miner,
    body: {
      size: 0,
      track_total_hits: false,
      query: { bool: { filter } },
      aggs: {
        latest: {
          terms: { field: "start", size: 1, order: { _key: "desc" } },
          aggs: {
            total_blocks: { sum: { field: "blocks" } },
            total_miners: { cardinality: { field: "miner" } },
            miners: {
              terms: { field: "miner", size: 10, order: [{ by: "desc" }, { _key: "asc" }] },
              aggs: {
                by: { sum: { field: by } },
                blocks: { sum: { field: "blocks" } },
                reward_sat: { sum: { field: "reward_sat" } },
                reward_eur: { sum: { field: "reward_eur" } },
                reward_cents: { sum: { field: "reward_eur_cents" } },
                cents_n: { value_count: { field: "reward_eur_cents" } },
                pending_count: { sum: { field: "pending_count" } },
              },
            },
          },
        },
        origins: { terms: { field: "origin", size: 5 } },
      },
    },
  };
}
