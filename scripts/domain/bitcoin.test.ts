import { expect, test } from "bun:test";
import { dayOf, hourOf, isValidSats, MAX_MONEY_SATS, monthOf, subsidyAt } from "./bitcoin.ts";

test("subsidy follows the halving schedule", () => {
  expect(subsidyAt(0)).toBe(5_000_000_000);
  expect(subsidyAt(209_999)).toBe(5_000_000_000);
  expect(subsidyAt(210_000)).toBe(2_500_000_000);
  expect(subsidyAt(614_187)).toBe(1_250_000_000);
  expect(subsidyAt(840_000)).toBe(312_500_000);
  expect(subsidyAt(64 * 210_000)).toBe(0);
  expect(() => subsidyAt(-1)).toThrow();
});

test("amounts are whole satoshis within the money supply", () => {
  expect(isValidSats(0)).toBe(true);
  expect(isValidSats(MAX_MONEY_SATS)).toBe(true);
  expect(isValidSats(MAX_MONEY_SATS + 1)).toBe(false);
  expect(isValidSats(-1)).toBe(false);
  expect(isValidSats(1.5)).toBe(false);
  expect(isValidSats("5")).toBe(false);
});

test("EUR value and UTC periods", () => {
  const t = Date.UTC(2024, 1, 29, 23, 59, 59, 999);
  expect(hourOf(t)).toBe(Date.UTC(2024, 1, 29, 23));
  expect(dayOf(t)).toBe(Date.UTC(2024, 1, 29));
  expect(monthOf(t)).toBe(Date.UTC(2024, 1, 1));
  expect(hourOf(Date.UTC(2024, 1, 29, 23))).toBe(Date.UTC(2024, 1, 29, 23));
});
