import { expect, test } from "bun:test";
import {
  minerDocId,
  minerDocsOf,
  parseHourKey,
  parsePeriodKey,
  periodKeysOf,
  volumeDocOf,
  volumeRequest,
} from "./rollups.ts";

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

const obs = (time: number, eur_e8: number) => ({ time, eur_e8, source: "s" });

test("volume: satoshis exact; EUR = each interval's satoshis times its price, summed exactly, rounded once", () => {
  const h = Date.parse("2024-01-31T23:00:00Z");
  // two intervals at 43,123.45678901 and 43,000.00000001 EUR/BTC; a third of the hour is past the watermark
  const intervals = [
    { from: h, to: h + 1000, obs: obs(h - 5, 4_312_345_678_901) },
    { from: h + 1000, to: h + 2000, obs: obs(h + 1000, 4_300_000_000_001) },
  ];
  const aggs = {
    count: { value: 4 },
    volume: { value: 300_000_004 },
    max: { value: 200_000_000 },
    origin: { buckets: [{ key: "replay" }] },
    priced: {
      buckets: [
        { doc_count: 2, volume: { value: 100_000_001 }, max: { value: 100_000_000 } },
        { doc_count: 1, volume: { value: 3 }, max: { value: 3 } },
      ],
    },
  };
  // exact: 100000001 * 4312345678901 + 3 * 4300000000001 = 431234585102445678904 (1e-16 EUR)
  //      = 43123.4585102445678904 EUR -> 4312346 cents
  const doc = volumeDocOf(h, intervals, aggs, 1)!;
  expect(doc).toEqual({
    hour: h,
    tx_count: 4,
    volume_sat: 300_000_004,
    volume_btc: 3.00000004,
    volume_eur_cents: 4_312_346,
    volume_eur: 43_123.46,
    max_sat: 200_000_000,
    max_btc: 2,
    max_eur_cents: 4_312_346, // 1 BTC at 43,123.45678901: the largest priced one, rounded once
    max_eur: 43_123.46,
    priced_count: 3,
    pending_count: 1,
    origin: "replay",
    updated_at: 1,
  });
  expect(volumeDocOf(h, [], { count: { value: 0 } }, 1)).toBeNull();
  expect(() => volumeDocOf(h, intervals, { ...aggs, priced: { buckets: [] } }, 1)).toThrow();
});

test("volume request: one range bucket per interval, [from, to), no partial results", () => {
  const r = volumeRequest(0, [{ from: 0, to: 10, obs: obs(0, 1) }]);
  expect(r.allow_partial_search_results).toBe(false);
  expect(JSON.stringify(r.aggs)).toContain('"ranges":[{"from":0,"to":10}]');
});

test("miner documents per miner: each block at its own price, unpriced blocks pending", () => {
  const blocks = [
    { hash: "a", time: 1, miner: "AntPool", reward_sat: 625_000_001, fees_known: true, origin: "a" },
    { hash: "b", time: 2, miner: "AntPool", reward_sat: 625_000_000, fees_known: false, origin: "b" },
    { hash: "c", time: 3, miner: "Foundry USA", reward_sat: 625_000_000, fees_known: false },
  ];
  const prices = new Map([
    [1, obs(0, 4_000_000_000_000)],
    [2, obs(2, 4_000_000_000_001)],
  ]);
  const docs = minerDocsOf("day", 0, blocks, (b) => prices.get(b.time), 1);
  // 625000001*4e12 + 625000000*4000000000001 = 2500000004000000000000 + 2500000000625000000000 -> 500,000.000462... EUR
  expect(docs).toEqual([
    {
      period: "day",
      start: 0,
      miner: "AntPool",
      blocks: 2,
      reward_sat: 1_250_000_001,
      reward_btc: 12.50000001,
      reward_eur_cents: 50_000_000,
      reward_eur: 500_000,
      fees_unknown_blocks: 1,
      priced_count: 2,
      pending_count: 0,
      origin: "mixed",
      updated_at: 1,
    },
    {
      period: "day",
      start: 0,
      miner: "Foundry USA",
      blocks: 1,
      reward_sat: 625_000_000,
      reward_btc: 6.25,
      reward_eur_cents: 0,
      reward_eur: 0,
      fees_unknown_blocks: 1,
      priced_count: 0,
      pending_count: 1,
      updated_at: 1,
    },
  ]);
});

test("a miner document id fits Elasticsearch's 512 bytes and never splits a character", () => {
  const tag = "矿".repeat(200) + "😀".repeat(10);
  const id = minerDocId("month", 0, tag);
  expect(new TextEncoder().encode(id).length).toBeLessThanOrEqual(512);
  expect(id).not.toContain("\uFFFD");
  expect([...id].every((c) => c.codePointAt(0)! < 0xd800 || c.codePointAt(0)! > 0xdfff)).toBe(true);
  expect(minerDocId("day", 0, "AntPool")).toBe("day:1970-01-01T00:00:00.000Z:AntPool");
});
