// The dashboard's named queries: the only Elasticsearch requests it ever sends (pure builders, no I/O), and the
// validation of their parameters. Indices read: btc-value (time), btc-volume (hour), btc-miner (start).
// Every date histogram is UTC with calendar (or fixed minute) intervals; amounts in satoshis are summed exactly.

import type { Config } from "../lib/config.ts";
import { indicesOf } from "../lib/config.ts";

export const RANGES = {
  "24h": { ms: 24 * 3600_000, priceBucket: "5m" },
  "7d": { ms: 7 * 24 * 3600_000, priceBucket: "30m" },
  "30d": { ms: 30 * 24 * 3600_000, priceBucket: "2h" },
} as const;
export type Range = keyof typeof RANGES;
export const UNITS = ["btc", "eur"] as const;
export type Unit = (typeof UNITS)[number];
export const PERIODS = ["day", "month"] as const;
export type Period = (typeof PERIODS)[number];
export const QUERY_NAMES = ["price", "volume", "max", "miners", "health"] as const;
export type QueryName = (typeof QUERY_NAMES)[number];

/** The parameters each named query takes, with the allowed values; missing ones take the first value. */
export const PARAMS: Record<QueryName, Record<string, readonly string[]>> = {
  price: { range: Object.keys(RANGES) },
  volume: { range: Object.keys(RANGES), unit: UNITS },
  max: { range: Object.keys(RANGES), unit: UNITS },
  miners: { period: PERIODS, unit: UNITS },
  health: {},
};

export type Params = { range: Range; unit: Unit; period: Period };
export type Parsed = { ok: true; name: QueryName; params: Params } | { ok: false; status: 400 | 404; error: string };

/** Validate a request for a named query: unknown names are 404, unknown parameters or values are 400. */
export function parseRequest(name: string, search: URLSearchParams): Parsed {
  if (!(QUERY_NAMES as readonly string[]).includes(name)) return { ok: false, status: 404, error: "no such query" };
  const q = name as QueryName;
  const allowed = PARAMS[q];
  const params: Params = { range: "24h", unit: "btc", period: "day" };
  const seen = new Set<string>();
  for (const [k, v] of search) {
    const values = Object.hasOwn(allowed, k) ? allowed[k] : undefined;
    if (!values) return { ok: false, status: 400, error: `unknown parameter ${k.slice(0, 40)}` };
    if (seen.has(k)) return { ok: false, status: 400, error: `parameter ${k} given twice` };
    if (!values.includes(v)) return { ok: false, status: 400, error: `${k} must be one of ${values.join(", ")}` };
    seen.add(k);
    (params as Record<string, string>)[k] = v;
  }
  return { ok: true, name: q, params };
}

export type Search = { index: string; body: Record<string, unknown> };

const utcHourFloor = (t: number) => t - (t % 3600_000);

/** Price observations of the range: a bucketed series (mean EUR per bucket) and the latest observation. */
export function priceQuery(cfg: Pick<Config, "namespace">, range: Range, now: number): Search {
  return {
    index: indicesOf(cfg).value,
    body: {
      size: 0,
      track_total_hits: false,
      query: { range: { time: { gte: now - RANGES[range].ms, format: "epoch_millis" } } },
      aggs: {
        series: {
          date_histogram: {
            field: "time",
            fixed_interval: RANGES[range].priceBucket,
            time_zone: "UTC",
            min_doc_count: 1,
          },
          aggs: { eur: { avg: { field: "eur" } } },
        },
        latest: { top_hits: { size: 1, sort: [{ time: "desc" }], _source: ["time", "eur", "usd", "source"] } },
        origins: { terms: { field: "origin", size: 5 } },
      },
    },
  };
}

/** Hourly volume and maximum of the range (one document per UTC hour; summed per hour in case of duplicates). */
export function volumeQuery(cfg: Pick<Config, "namespace">, range: Range, now: number): Search {
  return {
    index: indicesOf(cfg).volume,
    body: {
      size: 0,
      track_total_hits: false,
      query: { range: { hour: { gte: utcHourFloor(now - RANGES[range].ms), format: "epoch_millis" } } },
      aggs: {
        hours: {
          date_histogram: { field: "hour", calendar_interval: "1h", time_zone: "UTC", min_doc_count: 1 },
          aggs: {
            tx_count: { sum: { field: "tx_count" } },
            volume_sat: { sum: { field: "volume_sat" } },
            volume_eur: { sum: { field: "volume_eur" } },
            max_sat: { max: { field: "max_sat" } },
            max_eur: { max: { field: "max_eur" } },
            pending_count: { sum: { field: "pending_count" } },
          },
        },
        origins: { terms: { field: "origin", size: 5 } },
      },
    },
  };
}

/** The top 10 miners of the latest UTC day (or month) present, by reward in the unit (satoshis for BTC: exact). */
export function minersQuery(cfg: Pick<Config, "namespace">, period: Period, unit: Unit): Search {
  const by = unit === "btc" ? "reward_sat" : "reward_eur";
  return {
    index: indicesOf(cfg).miner,
    body: {
      size: 0,
      track_total_hits: false,
      query: { term: { period } },
      aggs: {
        latest: {
          terms: { field: "start", size: 1, order: { _key: "desc" } },
          aggs: {
            miners: {
              terms: { field: "miner", size: 10, order: [{ by: "desc" }, { _key: "asc" }] },
              aggs: {
                by: { sum: { field: by } },
                blocks: { sum: { field: "blocks" } },
                reward_sat: { sum: { field: "reward_sat" } },
                reward_eur: { sum: { field: "reward_eur" } },
              },
            },
          },
        },
        origins: { terms: { field: "origin", size: 5 } },
      },
    },
  };
}
