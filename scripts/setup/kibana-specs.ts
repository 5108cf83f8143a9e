// The Vega-Lite specs of the Kibana export (pure): each writes out its Elasticsearch query (data.url index and
// body) so a test runs it the way Kibana does (tests/kibana-vega.ts). Every panel follows the dashboard's time
// picker and filter pills (`%context%`). The rollup panels (hourly volume, miners per day and per month) show every
// period that overlaps the picker's range, the first one whole even if it began before the range: their range is
// written in the aggregations, `start` in (min - the period's length, max], and for months the histogram's
// `hard_bounds` (Elasticsearch rounds it down to the month of min) drops a month that ended before the range. The
// price panel averages the observations inside the range, in buckets Kibana sizes from the range
// (`%autointerval%`: about 200 points, at most 7 x 200, far below Elasticsearch's 65,536 buckets); empty buckets
// are nulls, where the line breaks. Each EUR panel labels how many transactions (blocks) of a bar wait for a price:
// their EUR is not in the figure yet. All histograms, axes and tooltips are UTC. The miners panels are in
// kibana-specs-miners.ts; what each panel shows and how it treats the picker: docs/kibana.md.

export type Agg = Record<string, unknown>;
export const SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";
/** The price panel's wished number of points, for Kibana's `%autointerval%`. */
export const PRICE_POINTS = 200;

/** The picker's bound in epoch ms, shifted by `shift` units (Kibana's `%timefilter%`). */
export const bound = (b: "min" | "max", shift = 0, unit = "d") => ({
  "%timefilter%": b,
  ...(shift ? { shift, unit } : {}),
});

/** The rollup documents of periods [field, field + length) that overlap the picker's range. */
export const overlapping = (field: string, length: number, unit: "h" | "d") => ({
  range: { [field]: { gt: bound("min", -length, unit), lte: bound("max") } },
});

/** A UTC text of a bucket's key, for tooltips. */
export const when = (format: string) => ({ calculate: `utcFormat(datum.key, '${format}')`, as: "when" });

/** The price: mean EUR per bucket of the observations inside the picker's range, one point per bucket. */
export function price() {
  return {
    $schema: SCHEMA,
    data: {
      url: {
        index: "btc-value",
        "%context%": true,
        "%timefield%": "time",
        body: {
          size: 0,
          aggs: {
            buckets: {
              date_histogram: {
                field: "time",
                interval: { "%autointerval%": PRICE_POINTS },
                time_zone: "UTC",
                min_doc_count: 0,
                extended_bounds: { min: bound("min"), max: bound("max") },
              },
              aggs: { v: { avg: { field: "eur" } } },
            },
          },
        },
      },
      format: { property: "aggregations.buckets.buckets" },
    },
    transform: [{ calculate: "datum.v.value", as: "y" }, when("%Y-%m-%d %H:%M")],
    mark: { type: "line", interpolate: "linear", point: true },
    encoding: {
      x: { field: "key", type: "temporal", scale: { type: "utc" }, axis: { tickCount: 8 }, title: "time (UTC)" },
      y: { field: "y", type: "quantitative", title: "EUR per BTC (mean)", scale: { zero: false } },
      tooltip: [
        { field: "when", type: "nominal", title: "from (UTC)" },
        { field: "y", type: "quantitative", title: "EUR per BTC", format: ",.2f" },
      ],
    },
  };
}

const hourAxis = {
  field: "key",
  type: "temporal",
  timeUnit: "utcyearmonthdatehours",
  scale: { type: "utc" },
  title: "hour (UTC)",
};

/** A label above each bar with something waiting for a price (`label`, made by `text` from `datum.pending`). */
export const pendingLabel = (x: Agg, y: string, pre: Agg[], text: string) => ({
  transform: [...pre, { filter: "datum.pending > 0" }, { calculate: text, as: "label" }],
  mark: { type: "text", baseline: "bottom", dy: -2, fontSize: 10, color: "#b35900" },
  encoding: { x: { ...x, bandPosition: 0.5 }, y: { field: y, type: "quantitative" }, text: { field: "label" } },
});

/** One bar per UTC hour with volume that overlaps the range; the EUR ones label their pending transactions. */
export function hourly(agg: Agg, y: string, yTitle: string, eur: boolean) {
  const bars = {
    mark: { type: "bar" },
    encoding: {
      x: hourAxis,
      y: { field: "y", type: "quantitative", title: yTitle },
      tooltip: [
        { field: "when", type: "nominal", title: "hour (UTC)" },
        { field: "y", type: "quantitative", title: yTitle, format: eur ? ",.2f" : ",.8f" },
        ...(eur ? [{ field: "pending", type: "quantitative", title: "transactions waiting for a price" }] : []),
      ],
      ...(eur ? { color: { condition: { test: "datum.pending > 0", value: "#e39b4b" }, value: "#4c78a8" } } : {}),
    },
  };
  return {
    $schema: SCHEMA,
    data: {
      url: {
        index: "btc-volume",
        "%context%": true,
        body: {
          size: 0,
          aggs: {
            range: {
              filter: overlapping("hour", 1, "h"),
              aggs: {
                hours: {
                  date_histogram: { field: "hour", calendar_interval: "1h", time_zone: "UTC", min_doc_count: 1 },
                  aggs: { v: agg, pending: { sum: { field: "pending_count" } } },
                },
              },
            },
          },
        },
      },
      format: { property: "aggregations.range.hours.buckets" },
    },
    transform: [{ calculate: y, as: "y" }, { calculate: "datum.pending.value", as: "pending" }, when("%Y-%m-%d %H:00")],
    layer: eur ? [bars, pendingLabel(hourAxis, "y", [], "datum.pending + ' pending'")] : [bars],
  };
}
