import { expect, test } from "bun:test";
import { type Observation, type PriceSnapshot, priceAt, valuationAt } from "./pricing.ts";

const p = (time: number, eur: number, source = "s"): Observation => ({ time, eur, source });
const prices = [p(100, 1), p(200, 2), p(200, 3, "t"), p(300, 4)];

test("the price in effect is the last observation at or before t", () => {
  expect(priceAt(prices, 150)?.eur).toBe(1);
  expect(priceAt(prices, 100)?.eur).toBe(1);
  expect(priceAt(prices, 200)?.eur).toBe(3);
  expect(priceAt(prices, 10_000)?.eur).toBe(4);
});

test("a time before every observation takes the earliest; no observation gives nothing", () => {
  expect(priceAt(prices, 5)?.eur).toBe(1);
  expect(priceAt([], 5)).toBeUndefined();
});

test("a time is valued only once an observation later than it was consumed, within the complete window", () => {
  const snap: PriceSnapshot = { latest: 300, prices, completeBelow: 1000 };
  expect(valuationAt(snap, 299)?.eur).toBe(3);
  expect(valuationAt(snap, 300)).toBeUndefined();
  expect(valuationAt({ ...snap, latest: undefined }, 1)).toBeUndefined();
  expect(valuationAt({ ...snap, completeBelow: 200 }, 250)).toBeUndefined();
});
