// The price in effect at a time, the price intervals of a period, and exact EUR: pure, no I/O.
// Rule: the last observation at or before t, or the earliest one when t is before all of them; a time is valued
// only once the price stream has passed it (an observation later than t has been consumed), so a lagging price
// consumer or a replay at any speed gives the same EUR figures.
// Exactness: a price is an integer number of 1e-8 EUR per BTC (`eur_e8`, the source's decimal as sent, up to 8
// decimals); an amount is satoshis; their product is a BigInt of 1e-16 EUR, summed exactly and rounded once, half
// up, to the cent (`centsOf`). EUR as a number is only ever derived from cents, for display.

export type Observation = { time: number; eur_e8: number; source: string };

/** 1e-8 EUR per BTC per EUR per BTC. */
export const PRICE_SCALE = 100_000_000;
/** sat × eur_e8 is in 1e-16 EUR; a cent is 1e14 of them. */
const PER_CENT = 100_000_000_000_000n;

/** A source's EUR price (the JSON number or decimal string it sent) as an integer of 1e-8 EUR. */
export function priceE8Of(eur: number): number {
  if (!(eur > 0) || !Number.isFinite(eur) || eur >= 90_000_000) throw new RangeError(`bad EUR price ${eur}`);
  // toFixed rounds the double to 8 decimals: the source's own decimal when it sent at most 8 (all sources here).
  const [whole, frac = ""] = eur.toFixed(8).split(".");
  return Number(whole) * PRICE_SCALE + Number(frac.padEnd(8, "0"));
}

/** An exact sum of sat × eur_e8 products (1e-16 EUR) as cents, rounded once, half up (amounts are never negative). */
export function centsOf(e16: bigint): bigint {
  return (e16 + PER_CENT / 2n) / PER_CENT;
}

/** sat × eur_e8, exactly. `sat` is an integer below 2^53 (an Elasticsearch long sum or max read back). */
export function e16Of(sat: number, eurE8: number): bigint {
  if (!Number.isSafeInteger(sat) || sat < 0) throw new RangeError(`not a whole amount of satoshis: ${sat}`);
  return BigInt(sat) * BigInt(eurE8);
}

/** Cents as the derived EUR number written beside them. */
export const eurOfCents = (cents: bigint): number => Number(cents) / 100;

/** Observation order: time, then source (two sources at one millisecond still give one answer). */
export function byTime(a: Observation, b: Observation): number {
  return a.time - b.time || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0);
}

/** The observation in effect at t: the last at or before t, else the earliest. `prices` sorted by byTime. */
export function priceAt(prices: Observation[], t: number): Observation | undefined {
  let lo = 0;
  let hi = prices.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (prices[mid]!.time <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return prices[found === -1 ? 0 : found];
}

/** What a rollup of [from, to) knows of the price stream, read in one consistent view of btc-value. */
export type PriceWindow = {
  /** time of the latest observation consumed (undefined: none yet): times at or after it are not valued yet */
  latest: number | undefined;
  /** sorted by byTime: the observation in effect at `from` (or the earliest of all), then every one in (from, to) */
  prices: Observation[];
};

/** One stretch of time on which one price holds: [from, to). */
export type PriceInterval = { from: number; to: number; obs: Observation };

/** The price intervals covering the valued part of [from, to), and where the not-yet-valued part starts. */
export function priceIntervals(
  w: PriceWindow,
  from: number,
  to: number,
): { intervals: PriceInterval[]; pendingFrom: number } {
  if (w.latest === undefined || w.prices.length === 0) return { intervals: [], pendingFrom: from };
  const horizon = Math.max(from, Math.min(to, w.latest));
  const cuts = [from, ...new Set(w.prices.map((p) => p.time).filter((t) => t > from && t < horizon)), horizon];
  const intervals: PriceInterval[] = [];
  for (let i = 0; i + 1 < cuts.length; i++)
    if (cuts[i]! < cuts[i + 1]!)
      intervals.push({ from: cuts[i]!, to: cuts[i + 1]!, obs: priceAt(w.prices, cuts[i]!)! });
  return { intervals, pendingFrom: horizon };
}

/** The observation to value time t with, or undefined while the price stream has not passed t. */
export function valuationAt(w: PriceWindow, t: number): Observation | undefined {
  if (w.latest === undefined || !(t < w.latest)) return undefined;
  return priceAt(w.prices, t);
}

/** The span of time whose valuation may change when observations in [minT, maxT] arrive, given the latest
 * observation before minT (`before`) and the earliest after maxT (`after`): [before, after), or [before, maxT)
 * when they are the newest (the watermark moved to maxT); from the beginning of time when none came before. */
export function revaluedSpan(maxT: number, before?: number, after?: number): { from: number; to: number } {
  return { from: before ?? Number.NEGATIVE_INFINITY, to: after ?? maxT };
}

/** The search (body, on btc-value) that finds the observation in effect at each of `times` in one request: a
 * `range` bucket per gap between consecutive times ((previous, t]) with its last observation, the earliest of all,
 * and the latest's time (the watermark). Read it with pricesAtOf. */
export function pricesAtRequest(times: number[]) {
  const sorted = [...new Set(times)].sort((a, b) => a - b);
  const ranges = sorted.map((t, i) => (i === 0 ? { to: t + 1 } : { from: sorted[i - 1]! + 1, to: t + 1 }));
  const fields = ["time", "eur", "eur_e8", "source"];
  const top = (order: "asc" | "desc") => ({
    top_hits: { size: 1, _source: fields, sort: [{ time: order }, { source: order }] },
  });
  return {
    size: 0,
    aggs: {
      latest: { max: { field: "time" } },
      earliest: top("asc"),
      at: { range: { field: "time", keyed: false, ranges }, aggs: { last: top("desc") } },
    },
  };
}

type Tops = { hits?: { hits: Array<{ _source?: Record<string, unknown> }> } };
function observationIn(x: unknown): Observation | undefined {
  const s = (x as Tops | undefined)?.hits?.hits[0]?._source;
  if (!s) return undefined;
  const time = typeof s.time === "number" ? s.time : Date.parse(String(s.time));
  const eurE8 = typeof s.eur_e8 === "number" ? s.eur_e8 : typeof s.eur === "number" ? priceE8Of(s.eur) : undefined;
  return eurE8 === undefined ? undefined : { time, eur_e8: eurE8, source: String(s.source ?? "") };
}

/** The observation each time is valued at, from pricesAtRequest's aggregations: the last at or before it, carried
 * forward, else the earliest; undefined while the price stream has not passed it (or there is no price at all). */
export function pricesAtOf(aggs: Record<string, unknown> | undefined, times: number[]) {
  const sorted = [...new Set(times)].sort((a, b) => a - b);
  const latest = (aggs?.latest as { value?: number | null } | undefined)?.value ?? null;
  const buckets = (aggs?.at as { buckets?: Array<{ doc_count: number; last: unknown }> } | undefined)?.buckets ?? [];
  let carried = observationIn(aggs?.earliest);
  const out = new Map<number, Observation | undefined>();
  sorted.forEach((t, i) => {
    const b = buckets[i];
    if (b && b.doc_count > 0) carried = observationIn(b.last) ?? carried;
    out.set(t, latest !== null && t < latest ? carried : undefined);
  });
  return out;
}
