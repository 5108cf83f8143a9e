// The Vega-Lite specs of the Kibana export (pure): each writes out its Elasticsearch query (data.url index and
// body) so a test can run it. Time-series panels follow the dashboard's time range (`%context%`/`%timefield%`);
// miners panels have a fixed query (last 30 days per day, last 12 months per month). All histograms are UTC.

const hist = (field: string, aggs: Record<string, unknown>) => ({
  date_histogram: { field, calendar_interval: "1h", time_zone: "UTC", min_doc_count: 1 },
  aggs,
});

/** A Vega-Lite spec on one date histogram of the dashboard's time range (`%context%`: Kibana adds its filter). */
export function series(
  index: string,
  timefield: string,
  agg: Record<string, unknown>,
  y: string,
  yTitle: string,
  mark: string,
) {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    data: {
      url: {
        index,
        "%context%": true,
        "%timefield%": timefield,
        body: { size: 0, aggs: { hours: hist(timefield, { v: agg }) } },
      },
      format: { property: "aggregations.hours.buckets" },
    },
    transform: [{ calculate: y, as: "y" }],
    mark: { type: mark, tooltip: true },
    encoding: {
      x: { field: "key", type: "temporal", title: "hour (UTC)" },
      y: { field: "y", type: "quantitative", title: yTitle },
    },
  };
}

/** Top 5 miners per UTC day (last 30 days) or month (last 12 months), stacked by reward; the query is fixed. */
export function miners(period: "day" | "month", unit: "btc" | "eur") {
  const field = unit === "btc" ? "reward_sat" : "reward_eur";
  const since = period === "day" ? "now-30d/d" : "now-12M/M";
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    data: {
      url: {
        index: "btc-miner",
        body: {
          size: 0,
          query: { bool: { filter: [{ term: { period } }, { range: { start: { gte: since } } }] } },
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
      format: { property: "aggregations.periods.buckets" },
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
