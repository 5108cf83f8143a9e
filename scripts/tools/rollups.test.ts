import { expect, test } from "bun:test";
import { minerDocsOf, parseHourKey, parsePeriodKey, periodKeysOf, volumeDocsOf } from "./rollups.ts";

const t = Date.parse("2024-01-31T23:59:59Z");

test("period keys are UTC calendar days and months, and read back", () => {
  expect(periodKeysOf(t)).toEqual(["day:2024-01-31T00:00:00.000Z", "month:2024-01-01T00:00:00.000Z"]);
  expect(parsePeriodKey("month:2024-01-01T00:00:00.000Z")).toEqual({
    period: "month",
    start: Date.parse("2024-01-01T00:00:00Z"),
  });
  expect(parsePeriodKey("month:2024-01-02T00:00:00.000Z")).toBeUndefined();
  expect(parseHourKey("2024-01-31T23:00:00.000Z")).toBe(Date.parse("2024-01-31T23:00:00Z"));
  expect(parseHourKey("2024-01-31T23:30:00.000Z")).toBeUndefined();
});

test("volume documents from the aggregation: exact satoshis, derived BTC, pending counted", () => {
  const h = Date.parse("2024-01-31T23:00:00Z");
  const buckets = [
    {
      key: h,
      doc_count: 3,
      volume: { value: 300_000_001 },
      max: { value: 200_000_000 },
      origin: { buckets: [{ key: "replay" }] },
      priced: { doc_count: 2, volume_eur: { value: 40.5 }, max_eur: { value: 30 } },
    },
  ];
  const docs = volumeDocsOf([h, h + 3_600_000], buckets, 1);
  expect(docs.get(h)).toEqual({
    hour: h,
    tx_count: 3,
    volume_sat: 300_000_001,
    volume_btc: 3.00000001,
    volume_eur: 40.5,
    max_sat: 200_000_000,
    max_btc: 2,
    max_eur: 30,
    priced_count: 2,
    pending_count: 1,
    origin: "replay",
    updated_at: 1,
  });
  expect(docs.get(h + 3_600_000)).toBeNull();
});

test("miner documents per miner", () => {
  const docs = minerDocsOf(
    "day",
    0,
    [
      {
        key: "AntPool",
        doc_count: 2,
        reward: { value: 1_250_000_000 },
        origin: { buckets: [{ key: "a" }, { key: "b" }] },
        fees_unknown: { doc_count: 1 },
        priced: { doc_count: 2, reward_eur: { value: 1.5 } },
      },
    ],
    1,
  );
  expect(docs).toEqual([
    {
      period: "day",
      start: 0,
      miner: "AntPool",
      blocks: 2,
      reward_sat: 1_250_000_000,
      reward_btc: 12.5,
      reward_eur: 1.5,
      fees_unknown_blocks: 1,
      priced_count: 2,
      pending_count: 0,
      origin: "mixed",
      updated_at: 1,
    },
  ]);
});
