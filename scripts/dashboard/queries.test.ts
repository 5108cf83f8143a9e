import { expect, test } from "bun:test";
import { minersQuery, priceBucketOf, priceQuery, volumeIntervalOf, volumeQuery, windowOf } from "./queries.ts";

const H = 3600_000;
const D = 24 * H;

test("a preset window ends now and is live; an absolute one is as given", () => {
  const now = Date.UTC(2024, 4, 1, 12, 34, 56);
  expect(windowOf({ range: "7d" }, now)).toEqual({ from: now - 7 * D, to: now, live: true, preset: "7d" });
  expect(windowOf({ from: 1000, to: 2000 }, now)).toEqual({ from: 1000, to: 2000, live: false, preset: null });
});

test("buckets: about 60 to 400 price points, hourly volume up to 31 days, daily beyond", () => {
  const w = (span: number) => ({ from: 0, to: span, live: false, preset: null });
  expect([H, D, 7 * D, 30 * D, 400 * D].map((s) => priceBucketOf(w(s)))).toEqual(["1m", "5m", "30m", "2h", "1d"]);
  expect(volumeIntervalOf(w(31 * D))).toBe("1h");
  expect(volumeIntervalOf(w(32 * D))).toBe("1d");
});

test("price: namespaced index, UTC histogram with empty buckets kept over the window, the index's extent", () => {
  const now = Date.UTC(2024, 4, 1, 12, 34, 56);
  const p = priceQuery({ namespace: "t-x" }, windowOf({ range: "7d" }, now));
  expect(p.index).toBe("t-x-btc-value");
  expect(p.body.query).toEqual({ range: { time: { gte: now - 7 * D, format: "epoch_millis" } } });
  const aggs = p.body.aggs as Record<string, Record<string, unknown>>;
  expect(aggs.series!.date_histogram).toMatchObject({
    fixed_interval: "30m",
    time_zone: "UTC",
    min_doc_count: 0,
    extended_bounds: { min: now - 7 * D, max: now - 1 },
  });
  expect(aggs.extent).toEqual({
    global: {},
    aggs: { newest: { max: { field: "time" } }, oldest: { min: { field: "time" } } },
  });
  const past = priceQuery({ namespace: "" }, { from: 1000, to: 2000, live: false, preset: null });
  expect(past.body.query).toEqual({ range: { time: { gte: 1000, lt: 2000, format: "epoch_millis" } } });
});

test("volume: from the window's first whole hour (or day), calendar UTC buckets, cents summed", () => {
  const now = Date.UTC(2024, 4, 1, 12, 34, 56);
  const v = volumeQuery({ namespace: "" }, windowOf({ range: "24h" }, now));
  expect(v.index).toBe("btc-volume");
  expect(v.body.query).toEqual({ range: { hour: { gte: Date.UTC(2024, 3, 30, 12), format: "epoch_millis" } } });
  const hist = (v.body.aggs as { hours: { date_histogram: unknown; aggs: Record<string, unknown> } }).hours;
  expect(hist.date_histogram).toMatchObject({ field: "hour", calendar_interval: "1h", time_zone: "UTC" });
  expect(hist.aggs.volume_cents).toEqual({ sum: { field: "volume_eur_cents" } });
  const long = volumeQuery({ namespace: "" }, { from: Date.UTC(2024, 0, 1, 5), to: now, live: false, preset: null });
  expect(long.body.query).toEqual({
    range: { hour: { gte: Date.UTC(2024, 0, 1), lt: now, format: "epoch_millis" } },
  });
});

test("miners: a chosen day or month, else the latest present; by satoshis (exact) or EUR; with totals", () => {
  const m = minersQuery({ namespace: "" }, "month", Date.UTC(2025, 0, 1), "eur");
  expect(m.body.query).toEqual({
    bool: { filter: [{ term: { period: "month" } }, { term: { start: Date.UTC(2025, 0, 1) } }] },
  });
  expect(JSON.stringify(m.body)).toContain('"by":{"sum":{"field":"reward_eur"}}');
  const d = minersQuery({ namespace: "" }, "day", null, "btc");
  expect(d.body.query).toEqual({ bool: { filter: [{ term: { period: "day" } }] } });
  expect(JSON.stringify(d.body)).toContain('"by":{"sum":{"field":"reward_sat"}}');
  expect(JSON.stringify(d.body)).toContain('"total_blocks":{"sum":{"field":"blocks"}}');
});
