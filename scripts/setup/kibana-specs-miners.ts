// The Vega-Lite specs of the Kibana miners panels (pure): the top 5 miners of each UTC day or month that overlaps the
// dashboard's time range, with its filter pills (`%context%`). The period's documents are those whose `start` lies
// in (min - the period's length, max] (31 days for a month), and the histogram's `hard_bounds` min, which
// Elasticsearch rounds down to the day or month of the picker's start, drops a month that ended before it: a month
// that began before the range shows all month long. EUR is summed in exact cents; the EUR panels label the period's
// blocks waiting for a price (their EUR is not in the figure yet), and each miner's in the tooltip.

import { bound, overlapping, pendingLabel, SCHEMA, when } from "./kibana-specs.ts";

/** Top 5 miners of each UTC day or month that overlaps the range, stacked by reward; the EUR ones label the
 * period's blocks waiting for a price. */
export function miners(period: "day" | "month", unit: "btc" | "eur") {
  const eur = unit === "eur";
  const x = {
    field: "key",
    type: "ordinal",
    timeUnit: period === "day" ? "utcyearmonthdate" : "utcyearmonth",
    title: `${period} (UTC)`,
  };
  const sum = (field: string) => ({ sum: { field } });
  const rewardAgg = {
    reward: sum(eur ? "reward_eur_cents" : "reward_sat"),
    blocks: sum("blocks"),
    pending: sum("pending_count"),
  };
  const bars = {
    mark: { type: "bar" },
    encoding: {
      x,
      y: { field: "reward", type: "quantitative", title: `reward (${unit.toUpperCase()})` },
      color: { field: "miner", type: "nominal" },
      tooltip: [
        { field: "when", type: "nominal", title: `${period} (UTC)` },
        { field: "miner", type: "nominal" },
        {
          field: "reward",
          type: "quantitative",
          title: `reward (${unit.toUpperCase()})`,
          format: eur ? ",.2f" : ",.8f",
        },
        { field: "blocks", type: "quantitative" },
        ...(eur ? [{ field: "minerPending", type: "quantitative", title: "blocks waiting for a price" }] : []),
      ],
    },
  };
  const total = {
    aggregate: [
      { op: "sum", field: "reward", as: "total" },
      { op: "max", field: "pending", as: "pending" },
    ],
    groupby: ["key"],
  };
  const text = "datum.pending + (datum.pending === 1 ? ' block pending' : ' blocks pending')";
  return {
    $schema: SCHEMA,
    data: {
      url: {
        index: "btc-miner",
        "%context%": true,
        body: {
          size: 0,
          aggs: {
            period: {
              filter: {
                bool: { filter: [{ term: { period } }, overlapping("start", period === "day" ? 1 : 31, "d")] },
              },
              aggs: {
                periods: {
                  date_histogram: {
                    field: "start",
                    calendar_interval: period === "day" ? "1d" : "1M",
                    time_zone: "UTC",
                    min_doc_count: 1,
                    hard_bounds: { min: bound("min") },
                  },
                  aggs: {
                    pending: sum("pending_count"),
                    miners: {
                      terms: { field: "miner", size: 5, order: [{ reward: "desc" }, { _key: "asc" }] },
                      aggs: rewardAgg,
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
      { calculate: eur ? "datum.m.reward.value / 100" : "datum.m.reward.value / 1e8", as: "reward" },
      { calculate: "datum.m.key", as: "miner" },
      { calculate: "datum.m.blocks.value", as: "blocks" },
      { calculate: "datum.m.pending.value", as: "minerPending" },
      { calculate: "datum.pending.value", as: "pending" },
      when(period === "day" ? "%Y-%m-%d" : "%Y-%m"),
    ],
    layer: eur ? [bars, pendingLabel(x, "total", [total], text)] : [bars],
  };
}
