import { expect, test } from "bun:test";
import {
  HOUR,
  hourDocOf,
  MINUTE,
  minutesFiguresOf,
  minutesOf,
  minutesRequest,
  parseUpdate,
  updateValue,
} from "./volume-minutes.ts";

const h = Date.parse("2024-01-31T23:00:00Z");
const obs = (time: number, eur_e8: number) => ({ time, eur_e8, source: "s" });

test("update values: the whole hour or a span of it, clipped to the hour, and read back; anything else refused", () => {
  expect(updateValue(h)).toBe("2024-01-31T23:00:00.000Z");
  expect(updateValue(h, { from: h - 5, to: h + HOUR + 5 })).toBe("2024-01-31T23:00:00.000Z");
  expect(updateValue(h, { from: Number.NEGATIVE_INFINITY, to: h + 10 })).toBe(
    `2024-01-31T23:00:00.000Z/${h}/${h + 10}`,
  );
  expect(parseUpdate(updateValue(h, { from: h + 1000, to: h + 2000 }))).toEqual({
    hour: h,
    span: { from: h + 1000, to: h + 2000 },
  });
  expect(parseUpdate("2024-01-31T23:00:00.000Z")).toEqual({ hour: h });
  for (const bad of [
    "",
    "2024-01-31T23:30:00.000Z",
    `2024-01-31T23:00:00.000Z/${h}`,
    `2024-01-31T23:00:00.000Z/${h - 1}/${h}`,
    `2024-01-31T23:00:00.000Z/${h}/${h + HOUR + 1}`,
    `2024-01-31T23:00:00.000Z/x/y`,
  ])
    expect(parseUpdate(bad)).toBeUndefined();
});

test("minutes touched: [from, to) overlaps the minute; no span is the whole hour", () => {
  expect(minutesOf(h)).toHaveLength(60);
  expect(minutesOf(h, [{ from: h + 59_000, to: h + 61_000 }])).toEqual([h, h + MINUTE]);
  expect(minutesOf(h, [{ from: h + MINUTE, to: h + 2 * MINUTE }])).toEqual([h + MINUTE]);
  expect(minutesOf(h, [{ from: h + 5 * MINUTE, to: h + 5 * MINUTE }])).toEqual([h + 5 * MINUTE]);
  expect(minutesOf(h, [{ from: h + HOUR - 1, to: h + HOUR }])).toEqual([h + 59 * MINUTE]);
});

test("the hour from its minutes: satoshis exact; EUR = each interval's satoshis x its price, summed, rounded once", () => {
  // minute 0: two intervals at 43,123.45678901 and 43,000.00000001 EUR/BTC; minute 1: one transaction pending
  const plan = [
    {
      start: h,
      intervals: [
        { from: h, to: h + 1000, obs: obs(h - 5, 4_312_345_678_901) },
        { from: h + 1000, to: h + MINUTE, obs: obs(h + 1000, 4_300_000_000_001) },
      ],
    },
    { start: h + MINUTE, intervals: [] },
    { start: h + 2 * MINUTE, intervals: [] },
  ];
  const aggs = {
    [`m${h}`]: {
      doc_count: 3,
      count: { value: 3 },
      volume: { value: 100_000_004 },
      max: { value: 100_000_000 },
      origin: { buckets: [{ key: "replay" }] },
      priced: {
        buckets: [
          { doc_count: 2, volume: { value: 100_000_001 }, max: { value: 100_000_000 } },
          { doc_count: 1, volume: { value: 3 }, max: { value: 3 } },
        ],
      },
    },
    [`m${h + MINUTE}`]: {
      doc_count: 1,
      count: { value: 1 },
      volume: { value: 200_000_000 },
      max: { value: 200_000_000 },
      origin: { buckets: [{ key: "live" }] },
    },
    [`m${h + 2 * MINUTE}`]: { doc_count: 0, count: { value: 0 } },
  };
  const figs = minutesFiguresOf(plan, aggs);
  expect(figs.get(h + 2 * MINUTE)).toBeNull();
  // exact: 100000001 * 4312345678901 + 3 * 4300000000001 = 431234585102445678904 (1e-16 EUR)
  //      = 43123.4585102445678904 EUR -> 4312346 cents
  const doc = hourDocOf(
    h,
    [...figs.values()].filter((f) => f !== null),
    1,
  )!;
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
    origin: "mixed",
    updated_at: 1,
  });
  expect(hourDocOf(h, [], 1)).toBeNull();
  expect(() => minutesFiguresOf(plan, { ...aggs, [`m${h}`]: { ...aggs[`m${h}`], priced: { buckets: [] } } })).toThrow();
  expect(() => minutesFiguresOf(plan, {})).toThrow("no aggregation");
});

test("minutes request: one filter per minute with a range bucket per interval, [from, to), no partial results", () => {
  const r = minutesRequest(h, [
    { start: h + MINUTE, intervals: [{ from: h + MINUTE, to: h + MINUTE + 10, obs: obs(0, 1) }] },
  ]);
  expect(r.allow_partial_search_results).toBe(false);
  expect(JSON.stringify(r.query)).toContain(`"gte":${h + MINUTE},"lt":${h + 2 * MINUTE}`);
  expect(JSON.stringify(r.aggs)).toContain(`"ranges":[{"from":${h + MINUTE},"to":${h + MINUTE + 10}}]`);
});
