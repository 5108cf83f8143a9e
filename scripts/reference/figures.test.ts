import { expect, test } from "bun:test";
import { centsOf, differences } from "./figures.ts";

const vol = { tx_count: 2, volume_sat: 300, max_sat: 200, volume_eur: 1234.56, max_eur: 0.07 };
const min = { blocks: 1, reward_sat: 312_500_000, reward_eur: 281_250.01, fees_unknown_blocks: 1 };
const want = { volume: { "2026-01-01T00:00:00.000Z": vol }, miners: { "day:x:F2Pool": min } };
const got = (v: object = {}, m: object = {}) => ({
  volume: { "2026-01-01T00:00:00.000Z": { ...vol, volume_eur_cents: 123_456, max_eur_cents: 7, ...v } },
  miners: { "day:x:F2Pool": { ...min, reward_eur_cents: 28_125_001, ...m } },
  pending: 0,
});

test("the figures are compared on the exact EUR cents the rollups store, so a one-cent error fails", () => {
  expect(differences(want, got())).toEqual([]);
  expect(differences(want, got({ volume_eur_cents: 123_457 }))).toEqual([
    "volume 2026-01-01T00:00:00.000Z volume_eur_cents: 123457, expected 123456",
  ]);
  expect(differences(want, got({ max_eur_cents: 6 }))).toHaveLength(1);
  expect(differences(want, got({}, { reward_eur_cents: 28_125_000 }))).toEqual([
    "miners day:x:F2Pool reward_eur_cents: 28125000, expected 28125001",
  ]);
  // the doubles beside them are for display: a document with right cents and a drifting double is still exact
  expect(differences(want, got({ volume_eur: 1234.5600000001 }))).toEqual([]);
  expect(differences(want, got({ volume_eur_cents: undefined }))).toHaveLength(1);
});

test("the reference's EUR (cents / 100, a double) back to cents, exactly", () => {
  expect(centsOf(0.07)).toBe(7);
  expect(centsOf(1234.56)).toBe(123_456);
  expect(centsOf(Number(98_765_432_101_234n) / 100)).toBe(98_765_432_101_234);
  expect(() => centsOf(Number.NaN)).toThrow();
  expect(() => centsOf(1e15)).toThrow();
});
