import { expect, test } from "bun:test";
import { extentOf, hourSeries, originLabel, originsOf, shapeHours, shapeMiners, shapePrice } from "./shape.ts";

const v = (value: number | null) => ({ value });

test("hours: BTC from exact satoshi sums, EUR from cents when every document has them, one unit's series", () => {
  const bucket = {
    key: 1000,
    doc_count: 1,
    tx_count: v(3),
    volume_sat: v(12_345_678_901),
    volume_eur: v(7_531_234.564),
    volume_cents: v(753_123_457),
    cents_n: v(1),
    max_sat: v(1),
    max_eur: v(0.004),
    max_cents: v(0),
    pending_count: v(1),
  };
  const rows = shapeHours({ aggregations: { hours: { buckets: [bucket] } } });
  expect(rows).toEqual([
    { t: 1000, tx: 3, volume_btc: 123.45678901, volume_eur: 7_531_234.57, max_btc: 0.00000001, max_eur: 0, pending: 1 },
  ]);
  // a document without cents (written before they existed): the EUR doubles, to the cent
  const old = shapeHours({ aggregations: { hours: { buckets: [{ ...bucket, doc_count: 2, cents_n: v(1) }] } } });
  expect(old[0]!.volume_eur).toBe(7_531_234.56);
  expect(hourSeries(rows, "max", "btc")).toEqual([{ t: 1000, value: 0.00000001, tx: 3 }]);
  expect(shapeHours({})).toEqual([]);
});

test("price: series with gaps as null, latest observation, extent; nothing yet is null", () => {
  const a = {
    aggregations: {
      series: {
        buckets: [
          { key: 5, doc_count: 2, eur: v(100.005) },
          { key: 6, doc_count: 0, eur: v(null) },
        ],
      },
      latest: { hits: { hits: [{ _source: { time: "1970-01-01T00:00:01.000Z", eur: 101.5, source: "x" } }] } },
      extent: { doc_count: 9, newest: v(7), oldest: v(1) },
    },
  };
  expect(shapePrice(a)).toEqual({
    latest: { t: 1000, eur: 101.5, source: "x" },
    points: [
      { t: 5, eur: 100.01 },
      { t: 6, eur: null },
    ],
  });
  expect(extentOf(a)).toEqual({ newest: 7, oldest: 1 });
  expect(extentOf({})).toEqual({ newest: null, oldest: null });
  expect(shapePrice({ aggregations: { latest: { hits: { hits: [] } } } })).toEqual({ latest: null, points: [] });
});

test("miners: the period's rows in order with their share of all its blocks; names untouched", () => {
  const a = {
    aggregations: {
      latest: {
        buckets: [
          {
            key: 86_400_000,
            doc_count: 2,
            total_blocks: v(8),
            total_miners: v(3),
            miners: {
              buckets: [
                { key: "<b>x</b>", doc_count: 1, blocks: v(2), reward_sat: v(625_000_000), reward_eur: v(1.234) },
                { key: "Unknown", doc_count: 1, blocks: v(1), reward_sat: v(1), reward_cents: v(5), cents_n: v(1) },
              ],
            },
          },
        ],
      },
    },
  };
  expect(shapeMiners(a)).toEqual({
    start: 86_400_000,
    blocks: 8,
    count: 3,
    miners: [
      { miner: "<b>x</b>", blocks: 2, share: 0.25, reward_btc: 6.25, reward_eur: 1.23, pending: 0 },
      { miner: "Unknown", blocks: 1, share: 0.125, reward_btc: 0.00000001, reward_eur: 0.05, pending: 0 },
    ],
  });
  expect(shapeMiners({})).toEqual({ start: null, blocks: 0, count: 0, miners: [] });
  expect(shapeMiners({}, 5)).toEqual({ start: 5, blocks: 0, count: 0, miners: [] });
});

test("origin label: simulated and replay are labelled, live never", () => {
  const buckets = [
    { key: "simulated", doc_count: 1 },
    { key: "live", doc_count: 1 },
  ];
  expect(originsOf({ aggregations: { origins: { buckets } } })).toEqual(["live", "simulated"]);
  expect(originLabel(["live", "simulated"])).toBe("SIMULATED");
  expect(originLabel(["replay"])).toBe("REPLAY");
  expect(originLabel(["live"])).toBeNull();
  expect(originLabel([])).toBeNull();
});
