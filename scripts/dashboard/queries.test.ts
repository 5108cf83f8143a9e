import { expect, test } from "bun:test";
import { minersQuery, parseRequest, priceQuery, volumeQuery } from "./queries.ts";

const q = (s: string) => new URLSearchParams(s);

test("named queries with allowed values pass, with defaults for what is missing", () => {
  expect(parseRequest("price", q(""))).toEqual({
    ok: true,
    name: "price",
    params: { range: "24h", unit: "btc", period: "day" },
  });
  expect(parseRequest("volume", q("range=30d&unit=eur"))).toMatchObject({
    ok: true,
    params: { range: "30d", unit: "eur" },
  });
  expect(parseRequest("miners", q("period=month&unit=eur"))).toMatchObject({
    ok: true,
    params: { period: "month", unit: "eur" },
  });
  expect(parseRequest("health", q(""))).toMatchObject({ ok: true, name: "health" });
});

test("unknown names are 404; unknown parameters, values, repeats are 400", () => {
  for (const name of ["", "search", "_search", "Price", "constructor", "__proto__", "toString"])
    expect(parseRequest(name, q(""))).toMatchObject({ ok: false, status: 404 });
  for (const s of [
    "range=1y",
    "range=24h&range=7d",
    "unit=btc",
    "index=btc-miner",
    "range=",
    "__proto__=1",
    "constructor=x",
  ])
    expect(parseRequest("price", q(s))).toMatchObject({ ok: false, status: 400 });
  expect(parseRequest("miners", q("range=24h"))).toMatchObject({ ok: false, status: 400 });
  expect(parseRequest("volume", q("unit=usd"))).toMatchObject({ ok: false, status: 400 });
  expect(parseRequest("health", q("x=1"))).toMatchObject({ ok: false, status: 400 });
});

test("query builders: namespaced index, UTC histograms, range from now", () => {
  const now = Date.UTC(2024, 4, 1, 12, 34, 56);
  const p = priceQuery({ namespace: "t-x" }, "7d", now);
  expect(p.index).toBe("t-x-btc-value");
  expect(p.body.query).toEqual({ range: { time: { gte: now - 7 * 86_400_000, format: "epoch_millis" } } });
  const v = volumeQuery({ namespace: "" }, "24h", now);
  expect(v.index).toBe("btc-volume");
  expect(v.body.query).toEqual({ range: { hour: { gte: Date.UTC(2024, 3, 30, 12), format: "epoch_millis" } } });
  const hist = (v.body.aggs as { hours: { date_histogram: Record<string, unknown> } }).hours.date_histogram;
  expect(hist).toMatchObject({ field: "hour", calendar_interval: "1h", time_zone: "UTC" });
  const m = minersQuery({ namespace: "" }, "month", "eur");
  expect(m.body.query).toEqual({ term: { period: "month" } });
  expect(JSON.stringify(m.body)).toContain('"by":{"sum":{"field":"reward_eur"}}');
  expect(JSON.stringify(minersQuery({ namespace: "" }, "day", "btc").body)).toContain(
    '"by":{"sum":{"field":"reward_sat"}}',
  );
});
