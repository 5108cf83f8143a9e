import { expect, test } from "bun:test";
import { defaultTopics, groupOf, lagOf, lostOf, rateOf } from "./pipeline-health.ts";

test("lag: end minus committed per partition; nothing committed counts from 0; never negative", () => {
  expect(lagOf({ "t/0": 10, "t/1": 5, "t/2": 7 }, { "t/0": 4, "t/1": -1, "t/2": 9 })).toBe(6 + 5 + 0);
  expect(lagOf({}, { "t/0": 3 })).toBe(0);
});

test("rate: committed offsets per second between two samples; null without a usable pair", () => {
  const a = { at: 1000, committed: { g: 100 } };
  expect(rateOf(a, { at: 3000, committed: { g: 300 } }, "g")).toBe(100);
  expect(rateOf(undefined, a, "g")).toBeNull();
  expect(rateOf(a, { at: 1100, committed: { g: 200 } }, "g")).toBeNull();
  expect(rateOf(a, { at: 3000, committed: {} }, "g")).toBeNull();
  expect(rateOf(a, { at: 2000, committed: { g: 50 } }, "g")).toBe(0);
});

test("groups and topics follow BTC_NAMESPACE", () => {
  expect(groupOf({ namespace: "" }, "volume")).toBe("btc-volume");
  expect(groupOf({ namespace: "t-a" }, "volume")).toBe("t-a-btc-volume");
  expect(defaultTopics({ namespace: "t-a" }).prices).toEqual(["t-a-p3-btc-bpi"]);
});

test("records deleted before a group read them: the log start above its committed offset", () => {
  expect(lostOf({ "t/0": 10, "t/1": 5, "t/2": 0 }, { "t/0": 4, "t/1": -1, "t/2": 9 })).toBe(6 + 5 + 0);
  expect(lostOf({ "t/0": 3 }, { "t/0": 3 })).toBe(0);
});
