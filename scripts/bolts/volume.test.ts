import { expect, test } from "bun:test";
import type { KafkaMessage } from "kafkajs";
import { countDrift, MinuteCache, WHOLE_HOUR_EVERY_MS, wholeHour } from "../domain/volume-memory.ts";
import { updatesOf as txUpdatesOf } from "./transactions.ts";
import { updatesOf } from "./volume.ts";

const h = Date.parse("2026-11-29T10:00:00Z");
const H = "2026-11-29T10:00:00.000Z";
const msg = (value: string, offset: number) => ({ value: Buffer.from(value), offset: String(offset) }) as KafkaMessage;
const slice = (...values: string[]) => ({ topic: "t", partition: 0, messages: values.map(msg) });

test("the transactions bolt announces each hour of a slice with the span of its transactions' times", () => {
  const txs = [
    { hour: h, time: h + 61_000 },
    { hour: h, time: h + 5_000 },
    { hour: h + 3_600_000, time: h + 3_600_000 },
  ];
  expect(txUpdatesOf(txs)).toEqual([
    [H, `${H}/${h + 5_000}/${h + 61_001}`],
    ["2026-11-29T11:00:00.000Z", `2026-11-29T11:00:00.000Z/${h + 3_600_000}/${h + 3_600_001}`],
  ]);
});

test("a slice's updates per hour: spans gathered, a whole-hour update wins, bad values dead-lettered", () => {
  const { hours, rejected } = updatesOf(slice(`${H}/${h}/${h + 10}`, `${H}/${h + 120_000}/${h + 120_001}`, "nope"));
  expect(hours.get(h)?.spans).toEqual([
    { from: h, to: h + 10 },
    { from: h + 120_000, to: h + 120_001 },
  ]);
  expect(hours.get(h)?.last.offset).toBe("1");
  expect(rejected.map((r) => r.reason)).toEqual(["not an hour in ISO form, nor hour/from/to"]);
  expect(updatesOf(slice(`${H}/${h}/${h + 10}`, H)).hours.get(h)?.spans).toBeUndefined();
  expect(updatesOf(slice(H, `${H}/${h}/${h + 10}`)).hours.get(h)?.spans).toBeUndefined();
});

test("the minutes kept in memory are forgotten when the group rebalances, and only 48 hours are kept", () => {
  const c = new MinuteCache();
  const m = { minutes: new Map(), wholeAt: 0 };
  expect(c.get(h, 1)).toBeUndefined();
  c.set(h, m);
  expect(c.get(h, 1)).toBe(m);
  expect(c.get(h, 2)).toBeUndefined(); // a new assignment: partitions may have moved
  for (let i = 0; i < 49; i++) c.set(h + i * 3_600_000, { minutes: new Map(), wholeAt: 0 });
  expect(c.get(h, 2)).toBeUndefined();
  expect(c.get(h + 48 * 3_600_000, 2)).toBeDefined();
});

test("the whole hour is aggregated again when unknown, announced whole, or last aggregated whole 30 s ago", () => {
  const known = { minutes: new Map(), wholeAt: 1_000_000 };
  const spans = [{ from: h, to: h + 1 }];
  expect(wholeHour(undefined, spans, 1_000_001)).toBe(true);
  expect(wholeHour(known, undefined, 1_000_001)).toBe(true);
  expect(wholeHour(known, spans, 1_000_000 + WHOLE_HOUR_EVERY_MS - 1)).toBe(false);
  expect(wholeHour(known, spans, 1_000_000 + WHOLE_HOUR_EVERY_MS)).toBe(true);
});

test("a minute the update did not touch must keep its count: a change there is reported (read short, or lost)", () => {
  const f = (count: number) => ({ count, volume: count, max: 1, e16: 0n, maxE16: 0n, priced: 0, origins: [] });
  const minutes = (...counts: number[]) => new Map(counts.map((c, i) => [h + i * 60_000, f(c)] as const));
  const before = minutes(5, 7);
  expect(countDrift(before, minutes(5, 9), [h + 60_000])).toEqual([]);
  expect(countDrift(before, minutes(6, 7, 1), [h + 120_000])).toEqual([[new Date(h).toISOString(), 5, 6]]);
  expect(countDrift(before, new Map([[h + 60_000, f(7)]]), [])).toEqual([[new Date(h).toISOString(), 5, 0]]);
});
