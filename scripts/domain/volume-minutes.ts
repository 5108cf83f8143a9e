// An hour of btc-volume from its minutes, so that a change re-aggregates only the minutes it touched, not the
// whole hour (25 million transactions at x1000). The update records of p3-btc-volume-updates say what changed:
// `${hour ISO}` (the whole hour) or `${hour ISO}/${from ms}/${to ms}` (the span [from, to) of it). For each minute
// the aggregation gives count, satoshis (sum, largest) and, by an as-of join on the price intervals inside the
// minute (pricing.ts), exact EUR in 1e-16 EUR (satoshi x 1e-8 EUR/BTC); the hour's document sums the minutes
// and rounds once to the cent. No I/O here.

import { btcOf } from "./bitcoin.ts";
import { centsOf, e16Of, eurOfCents, type PriceInterval } from "./pricing.ts";
import { hourKey, parseHourKey, type VolumeDoc } from "./rollups.ts";

export const MINUTE = 60_000;
export const HOUR = 3_600_000;

export type Span = { from: number; to: number };
export type VolumeUpdate = { hour: number; span?: Span };
export type MinuteFigures = {
  count: number;
  volume: number;
  max: number;
  e16: bigint;
  maxE16: bigint;
  priced: number;
  origins: string[];
};
export type MinutePlan = { start: number; intervals: PriceInterval[] };

/** The value of an update record: the whole hour, or the part [from, to) of it (clipped to the hour). */
export function updateValue(hour: number, span?: Span): string {
  if (!span) return hourKey(hour);
  const from = Math.max(hour, Math.floor(span.from));
  const to = Math.min(hour + HOUR, Math.ceil(span.to));
  return from <= hour && to >= hour + HOUR ? hourKey(hour) : `${hourKey(hour)}/${from}/${Math.max(from, to)}`;
}

/** An update record's value read back, or undefined when it is neither form. */
export function parseUpdate(value: string): VolumeUpdate | undefined {
  const [h, f, t, ...rest] = value.split("/");
  const hour = parseHourKey(h ?? "");
  if (hour === undefined || rest.length > 0) return undefined;
  if (f === undefined && t === undefined) return { hour };
  const [from, to] = [Number(f), Number(t)];
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < hour || to > hour + HOUR || to < from)
    return undefined;
  return { hour, span: { from, to } };
}

/** The starts of the hour's minutes that the spans touch (all of them without spans), in order. */
export function minutesOf(hour: number, spans?: Span[]): number[] {
  const all = Array.from({ length: 60 }, (_, i) => hour + i * MINUTE);
  if (!spans) return all;
  return all.filter((m) => spans.some((s) => s.from < m + MINUTE && (s.to > m || (s.to === s.from && s.from === m))));
}

/** The search (body, on btc-raw-transactions) of some minutes of an hour: per minute, count, sum and largest,
 * the origins, and a `range` bucket per price interval inside it. */
export function minutesRequest(hour: number, minutes: MinutePlan[]) {
  const sats = { volume: { sum: { field: "value_sat" } }, max: { max: { field: "value_sat" } } };
  const aggs: Record<string, unknown> = {};
  for (const m of minutes) {
    aggs[`m${m.start}`] = {
      filter: { range: { time: { gte: m.start, lt: m.start + MINUTE } } },
      aggs: {
        count: { value_count: { field: "value_sat" } },
        ...sats,
        origin: { terms: { field: "origin", size: 3 } },
        ...(m.intervals.length > 0
          ? {
              priced: {
                range: { field: "time", keyed: false, ranges: m.intervals.map((i) => ({ from: i.from, to: i.to })) },
                aggs: sats,
              },
            }
          : {}),
      },
    };
  }
  const [first, last] = [minutes[0]?.start ?? hour, (minutes.at(-1)?.start ?? hour) + MINUTE];
  return {
    size: 0,
    track_total_hits: false,
    allow_partial_search_results: false,
    query: { bool: { filter: [{ term: { hour } }, { range: { time: { gte: first, lt: last } } }] } },
    aggs,
  };
}

type Bucket = { doc_count: number; [agg: string]: unknown };
const n = (v: unknown) => Math.round(((v as { value?: number | null } | undefined)?.value ?? 0) as number);

/** Each planned minute's figures from minutesRequest's aggregations (null: no transaction in it). */
export function minutesFiguresOf(minutes: MinutePlan[], aggs: Record<string, unknown>) {
  const out = new Map<number, MinuteFigures | null>();
  for (const m of minutes) {
    const b = aggs[`m${m.start}`] as Bucket | undefined;
    if (!b) throw new Error(`no aggregation for minute ${m.start}`);
    const count = n(b.count);
    if (count === 0) {
      out.set(m.start, null);
      continue;
    }
    const ranges = ((b.priced as { buckets?: Bucket[] } | undefined)?.buckets ?? []) as Bucket[];
    if (ranges.length !== m.intervals.length) throw new Error(`${ranges.length} buckets for ${m.intervals.length}`);
    const f: MinuteFigures = { count, volume: n(b.volume), max: n(b.max), e16: 0n, maxE16: 0n, priced: 0, origins: [] };
    ranges.forEach((r, i) => {
      if (r.doc_count === 0) return;
      const e8 = m.intervals[i]!.obs.eur_e8;
      f.priced += r.doc_count;
      f.e16 += e16Of(n(r.volume), e8);
      const top = e16Of(n(r.max), e8);
      if (top > f.maxE16) f.maxE16 = top;
    });
    f.origins = ((b.origin as { buckets?: Array<{ key: unknown }> })?.buckets ?? []).map((x) => String(x.key));
    out.set(m.start, f);
  }
  return out;
}

/** The hour's document from all its minutes' figures (null: no transaction): sums, largest, EUR rounded once. */
export function hourDocOf(hour: number, minutes: Iterable<MinuteFigures>, now: number): VolumeDoc | null {
  let [count, volume, max, priced, e16, maxE16] = [0, 0, 0, 0, 0n, 0n];
  const origins = new Set<string>();
  for (const f of minutes) {
    count += f.count;
    volume += f.volume;
    priced += f.priced;
    e16 += f.e16;
    if (f.max > max) max = f.max;
    if (f.maxE16 > maxE16) maxE16 = f.maxE16;
    for (const o of f.origins) origins.add(o);
  }
  if (count === 0) return null;
  const [volumeCents, maxCents] = [centsOf(e16), centsOf(maxE16)];
  const doc: VolumeDoc = {
    hour,
    tx_count: count,
    volume_sat: volume,
    volume_btc: btcOf(volume),
    volume_eur_cents: Number(volumeCents),
    volume_eur: eurOfCents(volumeCents),
    max_sat: max,
    max_btc: btcOf(max),
    max_eur_cents: Number(maxCents),
    max_eur: eurOfCents(maxCents),
    priced_count: priced,
    pending_count: count - priced,
    updated_at: now,
  };
  if (origins.size > 0) doc.origin = origins.size === 1 ? [...origins][0]! : "mixed";
  return doc;
}
