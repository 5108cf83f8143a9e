import { expect, test } from "bun:test";
import { hourSeries, originLabel, originsOf, shapeHours, shapeMiners, shapePrice } from "./shape.ts";

const v = (value: number | null) => ({ value });

test("hours: BTC from exact satoshi sums, EUR to the cent, one unit's series", () => {
  const rows = shapeHours({
    aggregations: {
      hours: {
        buckets: [
          {
            key: 1000,
            doc_count: 1,
            tx_count: v(3),
            volume_sat: v(12_345_678_901),
            volume_eur: v(7_531_234.564),
            max_sat: v(1),
            max_eur: v(0.004),
            pending_count: v(1),
          },
        ],
      },
    },
  });
  expect(rows).toEqual([
    { t: 1000, tx: 3, volume_btc: 123.45678901, volume_eur: 7_531_234.56, max_btc: 0.00000001, max_eur: 0, pending: 1 },
  ]);
  expect(hourSeries(rows, "max", "btc")).toEqual([{ t: 1000, value: 0.00000001, tx: 3 }]);
  expect(shapeHours({})).toEqual([]);
});

test("price: series and latest observation; nothing yet is null", () => {
  const a = {
    aggregations: {
      series: {
        buckets: [
          { key: 5, doc_count: 2, eur: v(100.005) },
          { key: 6, doc_count: 0, eur: v(null) },
        ],
      },
      latest: { hits: { hits: [{ _source: { time: "1970-01-01T00:00:01.000Z", eur: 101.5, source: "x" } }] } },
    },
  };
  expect(shapePrice(a)).toEqual({ latest: { t: 1000, eur: 101.5, source: "x" }, points: [{ t: 5, eur: 100.01 }] });
  expect(shapePrice({ aggregations: { latest: { hits: { hits: [] } } } })).toEqual({ latest: null, points: [] });
});

test("miners: the latest period's rows in order; names untouched", () => {
  const a = {
    aggregations: {
      latest: {
        buckets: [
          {
            key: 86_400_000,
            doc_count: 2,
            miners: {
              buckets: [
                { key: "<b>x</b>", doc_count: 1, blocks: v(2), reward_sat: v(625_000_000), reward_eur: v(1.234) },
              ],
            },
          },
        ],
      },
    },
  };
  expect(shapeMiners(a)).toEqual({
    start: 86_400_000,
    miners: [{ miner: "<b>x</b>", blocks: 2, reward_btc: 6.25, reward_eur: 1.23 }],
  });
  expect(shapeMiners({})).toEqual({ start: null, miners: [] });
});

test("origin label: simulated and replay are labelled, live never", () => {
  expect(
    originsOf({
      aggregations: {
        origins: {
          buckets: [
            { key: "simulated", doc_count: 1 },
            { key: "live", doc_count: 1 },
          ],
        },
      },
    }),
  ).toEqual(["live", "simulated"]);
  expect(originLabel(["live", "simulated"])).toBe("SIMULATED");
  expect(originLabel(["replay"])).toBe("REPLAY");
  expect(originLabel(["live"])).toBeNull();
  expect(originLabel([])).toBeNull();
});
