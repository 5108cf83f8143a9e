import { expect, test } from "bun:test";
import {
  centsOf,
  e16Of,
  type Observation,
  type PriceWindow,
  priceAt,
  priceE8Of,
  priceIntervals,
  revaluedSpan,
  valuationAt,
} from "./pricing.ts";

const p = (time: number, eur_e8: number, source = "s"): Observation => ({ time, eur_e8, source });
const prices = [p(100, 1), p(200, 2), p(200, 3, "t"), p(300, 4)];

test("the price in effect is the last observation at or before t", () => {
  expect(priceAt(prices, 150)?.eur_e8).toBe(1);
  expect(priceAt(prices, 100)?.eur_e8).toBe(1);
  expect(priceAt(prices, 200)?.eur_e8).toBe(3);
  expect(priceAt(prices, 10_000)?.eur_e8).toBe(4);
});

test("a time before every observation takes the earliest; no observation gives nothing", () => {
  expect(priceAt(prices, 5)?.eur_e8).toBe(1);
  expect(priceAt([], 5)).toBeUndefined();
});

test("a time is valued only once an observation later than it was consumed", () => {
  const w: PriceWindow = { latest: 300, prices };
  expect(valuationAt(w, 299)?.eur_e8).toBe(3);
  expect(valuationAt(w, 300)).toBeUndefined();
  expect(valuationAt({ ...w, latest: undefined }, 1)).toBeUndefined();
});

test("a source's decimal price is an exact integer of 1e-8 EUR", () => {
  expect(priceE8Of(43_123.45)).toBe(4_312_345_000_000);
  expect(priceE8Of(0.1 + 0.2)).toBe(30_000_000);
  expect(priceE8Of(Number("87654.12345678"))).toBe(8_765_412_345_678);
  expect(() => priceE8Of(0)).toThrow();
  expect(() => priceE8Of(1e9)).toThrow();
});

test("EUR cents: the exact product, rounded once, half up", () => {
  expect(centsOf(e16Of(100_000_000, 4_312_345_000_000))).toBe(4_312_345n);
  expect(centsOf(50_000_000_000_000n)).toBe(1n); // half a cent rounds up
  expect(centsOf(49_999_999_999_999n)).toBe(0n);
  // 1.8e14 sat at 90,000 EUR: beyond a double's cents, exact here
  expect(centsOf(e16Of(180_000_000_000_123, 9_000_000_000_001))).toBe(16_200_000_000_013n);
  expect(() => e16Of(1.5, 1)).toThrow();
});

test("price intervals cut a period at each observation, up to the watermark", () => {
  const w: PriceWindow = { latest: 250, prices: [p(50, 1), p(120, 2), p(200, 3)] };
  const { intervals, pendingFrom } = priceIntervals(w, 100, 300);
  expect(intervals.map((i) => [i.from, i.to, i.obs.eur_e8])).toEqual([
    [100, 120, 1],
    [120, 200, 2],
    [200, 250, 3],
  ]);
  expect(pendingFrom).toBe(250);
  expect(priceIntervals({ latest: undefined, prices: [] }, 100, 300)).toEqual({ intervals: [], pendingFrom: 100 });
  // before every observation: the earliest holds
  const early = priceIntervals({ latest: 500, prices: [p(150, 7)] }, 100, 200).intervals;
  expect(early.map((i) => [i.from, i.to, i.obs.eur_e8])).toEqual([
    [100, 150, 7],
    [150, 200, 7],
  ]);
  // a period wholly past the watermark has no interval
  expect(priceIntervals({ latest: 50, prices: [p(40, 1)] }, 100, 200)).toEqual({ intervals: [], pendingFrom: 100 });
});

test("the span a slice of observations re-values: from the one before to the one after, or to the newest", () => {
  expect(revaluedSpan(200, 100, 300)).toEqual({ from: 100, to: 300 });
  expect(revaluedSpan(200, 100)).toEqual({ from: 100, to: 200 });
  expect(revaluedSpan(200)).toEqual({ from: Number.NEGATIVE_INFINITY, to: 200 });
});
