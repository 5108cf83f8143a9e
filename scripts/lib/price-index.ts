// Reads of btc-value, the price observations, for the bolts that value amounts (volume, miners) and the one that
// writes them (prices). Every observation is routed to one shard (PRICE_ROUTING), so one search sees a consistent
// prefix of the price stream. Writes are the prices bolt's alone.

import type { Client } from "@elastic/elasticsearch";
import { type Observation, type PriceWindow, pricesAtOf, pricesAtRequest } from "../domain/pricing.ts";
import { type Config, indicesOf } from "./config.ts";
import { withRetry } from "./es.ts";

export const PRICE_ROUTING = "BTC-EUR";
const PAGE = 5000;
const FIELDS = ["time", "eur_e8", "source"];
const ASC = [{ time: "asc" }, { source: "asc" }];
const DESC = [{ time: "desc" }, { source: "desc" }];
type Hb = (() => Promise<void>) | undefined;
type Hit = { _source?: Observation; sort?: unknown[] };
const top = (x: unknown) => (x as { hits: { hits: Hit[] } }).hits.hits[0]?._source;

function search(es: Client, cfg: Config, what: string, body: Record<string, unknown>, hb: Hb) {
  const req = { index: indicesOf(cfg).value, routing: PRICE_ROUTING, allow_partial_search_results: false, ...body };
  return withRetry(what, () => es.search(req as never), cfg.bolt.retryMaxMs, hb);
}

/** The price window of [from, to): the observation in effect at `from` (or the earliest), all in (from, to), and
 * the latest observation's time. */
export async function priceWindow(es: Client, cfg: Config, from: number, to: number, hb?: Hb): Promise<PriceWindow> {
  const inside: Observation[] = [];
  let after: unknown[] | undefined;
  let first: Observation | undefined;
  let latest: number | undefined;
  for (let page = 0; ; page++) {
    const res = await search(
      es,
      cfg,
      "price window",
      {
        size: PAGE,
        track_total_hits: false,
        _source: FIELDS,
        sort: ASC,
        ...(after ? { search_after: after } : {}),
        query: { range: { time: { gt: from, lt: to } } },
        ...(page === 0
          ? {
              aggs: {
                all: {
                  global: {},
                  aggs: {
                    latest: { max: { field: "time" } },
                    before: {
                      filter: { range: { time: { lte: from } } },
                      aggs: { top: { top_hits: { size: 1, _source: FIELDS, sort: DESC } } },
                    },
                    earliest: { top_hits: { size: 1, _source: FIELDS, sort: ASC } },
                  },
                },
              },
            }
          : {}),
      },
      hb,
    );
    if (page === 0) {
      const all = (res.aggregations as Record<string, Record<string, unknown>>).all!;
      latest = (all.latest as { value: number | null }).value ?? undefined;
      first = top((all.before as { top: unknown }).top) ?? top(all.earliest);
    }
    const hits = res.hits.hits as Hit[];
    for (const h of hits) inside.push(h._source!);
    if (hits.length < PAGE) break;
    after = hits[hits.length - 1]!.sort;
  }
  const prices = first ? [first, ...inside] : inside;
  return { latest, prices };
}

/** The observation each time is valued at (undefined while the price stream has not passed it), in one search
 * (domain/pricing.ts pricesAtRequest). */
export async function pricesAt(es: Client, cfg: Config, times: number[], hb?: Hb) {
  if (times.length === 0) return new Map<number, Observation | undefined>();
  const res = await search(es, cfg, "prices at times", pricesAtRequest(times), hb);
  return pricesAtOf(res.aggregations as Record<string, unknown>, times);
}

/** The times of the nearest observations before minT and after maxT (undefined: none). */
export async function neighbours(es: Client, cfg: Config, minT: number, maxT: number, hb?: Hb) {
  const res = await search(
    es,
    cfg,
    "price neighbours",
    {
      size: 0,
      aggs: {
        before: { filter: { range: { time: { lt: minT } } }, aggs: { t: { max: { field: "time" } } } },
        after: { filter: { range: { time: { gt: maxT } } }, aggs: { t: { min: { field: "time" } } } },
      },
    },
    hb,
  );
  const v = (k: string) =>
    ((res.aggregations as Record<string, { t: { value: number | null } }>)[k]!.t.value ?? undefined) as
      | number
      | undefined;
  return { before: v("before"), after: v("after") };
}
