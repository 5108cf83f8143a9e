// The Vega-Lite specs of the Kibana export (pure): each writes out its Elasticsearch query (data.url index and
// body) so a test can run it. Every panel follows the dashboard's time picker and filters (`%context%`, the range
// on its `%timefield%`: time, hour, or start for the miners, whose period is then chosen by a `filter`
// aggregation). All histograms are UTC, and so are the time axes (`scale: utc`, utc time units): the 00:00 UTC
// bucket reads 00:00 whatever the browser's time zone. The price line breaks where an hour has no price: its
// histogram keeps empty hours over the whole range (min_doc_count 0, extended_bounds from `%timefilter%`), their
// average is null, and Vega-Lite's default for invalid values leaves the line undefined there (`invalid: null`
// would draw them as zeros instead, so it is not set).

type Agg = Record<string, unknown>;

/** An hourly UTC date histogram; with `gaps`, every hour of the dashboard's range, empty ones included. */
const hist = (field: string, aggs: Agg, gaps: boolean) => ({
  date_histogram: {
    field,
    calendar_interval: "1h",
    time_zone: "UTC",
    min_doc_count: gaps ? 0 : 1,
    ...(gaps ? { extended_bounds: { min: { "%timefilter%": "min" }, max: { "%timefilter%": "max" } } } : {}),
  },
  aggs,
});

/** The x axis of an hourly series: UTC hours on a UTC scale. */
const hourAxis = {
  field: "key",
  type: "temporal",
  timeUnit: "utcyearmonthdatehours",
  scale: { type: "utc" },
  title: "hour (UTC)",
};

/** A Vega-Lite spec on one hourly histogram of the dashboard's time range (`%context%`: Kibana adds its filter). */
export function series(index: string, timefield: string, agg: Agg, y: string, yTitle: string, mark: "line" | "bar") {
  const line = mark === "line";
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    data: {
      url: {
        index,
        "%context%": true,
        "%timefield%": timefield,
        body: { size: 0, aggs: { hours: hist(timefield, { v: agg }, line) } },
      },
      format: { property: "aggregations.hours.buckets" },
    },
    transform: [{ calculate: y, as: "y" }],
    mark: line ? { type: "line", interpolate: "linear", point: true, tooltip: true } : { type: "bar", tooltip: true },
    encoding: {
      x: hourAxis,
      y: { field: "y", type: "quantitative", title: yTitle, ...(line ? { scale: { zero: false } } : {}) },
    },
  };
}

/** Top 5 miners per UTC day or month whose start lies in the dashboard's time range, stacked by reward. */
export function miners(period: "day" | "month", unit: "btc" | "eur") {
  const field = unit === "btc" ? "reward_sat" : "reward_eur";
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    data: {
      url: {
        index: "btc-miner",
        "%context%": true,
        "%timefield%": "start",
        body: {
          size: 0,
          aggs: {
            period: {
              filter: { term: { period } },
              aggs: {
                periods: {
                  date_histogram: {
                    field: "start",
                    calendar_interval: period === "day" ? "1d" : "1M",
                    time_zone: "UTC",
                    min_doc_count: 1,
                  },
                  aggs: {
                    miners: {
                      terms: { field: "miner", size: 5, order: { reward: "desc" } },
                      aggs: { reward: { sum: { field } } },
                    },
                  },
                },
              },
            },
          },
        },
      },
      format: { property: "aggregations.period.periods.buckets" },
    },
    transform: [
      { flatten: ["miners.buckets"], as: ["m"] },
      { calculate: unit === "btc" ? "datum.m.reward.value / 1e8" : "datum.m.reward.value", as: "reward" },
      { calculate: "datum.m.key", as: "miner" },
    ],
    mark: { type: "bar", tooltip: true },
    encoding: {
      x: {
        field: "key",
        type: "ordinal",
        timeUnit: period === "day" ? "utcyearmonthdate" : "utcyearmonth",
        title: `${period} (UTC)`,
      },
      y: { field: "reward", type: "quantitative", title: `reward (${unit.toUpperCase()})` },
      color: { field: "miner", type: "nominal" },
    },
  };
}
