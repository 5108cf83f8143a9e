import { expect, test } from "bun:test";
import {
  blocksQuery,
  eurAt,
  hourTxQuery,
  type Price,
  pricesAtOf,
  pricesAtQuery,
  shapeBlocks,
  shapeTxs,
  totalOf,
} from "./drill.ts";

const obs = (time: number | string, eur: number, eur_e8?: number) => ({
  hits: { hits: [{ _source: { time, eur, ...(eur_e8 === undefined ? {} : { eur_e8 }), source: "s" } }] },
});
const none = { hits: { hits: [] } };

test("queries: an hour's transactions largest first; a miner's blocks of a day or month, newest first", () => {
  const h = hourTxQuery({ namespace: "t" }, 3600_000, 20);
  expect(h.index).toBe("t-btc-raw-transactions");
  expect(h.body).toMatchObject({
    size: 20,
    track_total_hits: true,
    query: { term: { hour: 3600_000 } },
    sort: [{ value_sat: "desc" }, { hash: "asc" }],
  });
  const b = blocksQuery({ namespace: "" }, "month", 0, "<img>", 200);
  expect(b.index).toBe("btc-raw-blocks");
  expect(b.body.query.bool.filter).toEqual([{ term: { month: 0 } }, { term: { miner: "<img>" } }]);
});

test("prices at times: one range bucket per gap between consecutive times, (previous, t]", () => {
  const q = pricesAtQuery({ namespace: "" }, [30, 10, 30, 20]);
  const at = (q.body.aggs as { at: { range: { ranges: unknown[] } } }).at.range.ranges;
  expect(at).toEqual([{ to: 11 }, { from: 11, to: 21 }, { from: 21, to: 31 }]);
});

test("the price in effect: the last at or before, else the earliest; at or after the newest: pending", () => {
  const answer = {
    aggregations: {
      latest: { value: 25 },
      earliest: obs(12, 100),
      at: {
        buckets: [
          { doc_count: 0, last: none }, // (.., 10]: none before: the earliest
          { doc_count: 2, last: obs(20, 200.5, 20_050_000_000) }, // (10, 20]
          { doc_count: 0, last: none }, // (20, 24]: carried
          { doc_count: 1, last: obs(25, 300) }, // (24, 30]: at or after the newest: pending
        ],
      },
    },
  };
  const p = pricesAtOf(answer, [10, 20, 24, 30]);
  expect(p.get(10)).toEqual({ t: 12, eur: 100, e8: 10_000_000_000, source: "s" });
  expect(p.get(20)?.e8).toBe(20_050_000_000);
  expect(p.get(24)?.t).toBe(20);
  expect(p.get(30)).toBeUndefined();
  const iso = pricesAtOf(
    { aggregations: { latest: { value: 99 }, earliest: obs("1970-01-01T00:00:00.012Z", 1) } },
    [5],
  );
  expect(iso.get(5)?.t).toBe(12);
  expect(
    pricesAtOf({ aggregations: { latest: { value: null }, earliest: none, at: { buckets: [] } } }, [5]).get(5),
  ).toBeUndefined();
});

test("EUR of an amount: sat × eur_e8 exactly, rounded half up to the cent", () => {
  const p = (eur: number): Price => ({ t: 0, eur, e8: Math.round(eur * 1e8), source: "" });
  expect(eurAt(12_000_000_000, p(61_000.5))).toBe(7_320_060);
  expect(eurAt(345_678_901, p(61_000.5))).toBe(210_865.86);
  expect(eurAt(1, p(500_000))).toBe(0.01); // 0.005 rounds up
  expect(eurAt(1, p(499_999.99))).toBe(0);
  expect(eurAt(2_100_000_000_000_000, p(99_999.99))).toBe(2_099_999_790_000);
  expect(eurAt(1, undefined)).toBeNull();
});

test("rows: transactions and blocks with their price; fees unknown and orphaned flagged; text untouched", () => {
  const price: Price = { t: 1, eur: 2, e8: 200_000_000, source: "s" };
  const txs = {
    hits: {
      total: { value: 7 },
      hits: [{ _source: { hash: "ab", time: "1970-01-01T00:00:00.005Z", value_sat: 150_000_000 } }],
    },
  };
  expect(totalOf(txs)).toBe(7);
  expect(shapeTxs(txs, new Map([[5, price]]))).toEqual([{ hash: "ab", t: 5, value_btc: 1.5, eur: 3, price }]);
  const blocks = {
    hits: {
      hits: [
        {
          _source: {
            hash: "cd",
            height: 9,
            time: 5,
            reward_sat: 625_000_000,
            fees_known: false,
            orphaned: true,
            coinbase_tag: "<script>x</script>",
          },
        },
      ],
    },
  };
  expect(shapeBlocks(blocks, new Map())).toEqual([
    {
      height: 9,
      hash: "cd",
      t: 5,
      reward_btc: 6.25,
      reward_eur: null,
      fees_btc: null,
      orphaned: true,
      tag: "<script>x</script>",
      price: null,
    },
  ]);
});
