import { expect, test } from "bun:test";
import { minerDocId, minerDocsOf, parseHourKey, parsePeriodKey, periodKeysOf } from "./rollups.ts";

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
